import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from reporting.bench.dataset import DatasetSpec, dataset_clear, dataset_exists, dataset_generate, stderr_progress


class Command(BaseCommand):
    help = ("Tạo cây đơn vị toàn quốc tổng hợp (63 tỉnh, ~705 huyện, ~10.600 xã) và chiến dịch 120 ngày báo cáo "
            "để đo hiệu năng (chỉ trên PostgreSQL).")

    def add_arguments(self, parser):
        parser.add_argument("--provinces", type=int, default=63)
        parser.add_argument("--districts", type=int, default=None,
                            help="tổng số huyện (mặc định 705 × số tỉnh / 63)")
        parser.add_argument("--communes", type=int, default=None,
                            help="tổng số xã (mặc định 10.600 × số tỉnh / 63)")
        parser.add_argument("--days", type=int, default=120)
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2021, 3, 1),
                            help="ngày bắt đầu chiến dịch, YYYY-MM-DD")
        parser.add_argument("--clear", action="store_true", help="xoá dữ liệu tổng hợp cũ trước")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("generate_dataset cần PostgreSQL (đặt DATABASE_URL).")
        spec = DatasetSpec(provinces=options["provinces"], districts=options["districts"],
                           communes=options["communes"], days=options["days"], seed=options["seed"],
                           start=options["start"])
        if spec.provinces < 1 or spec.days < 1 or spec.district_total < spec.provinces \
                or spec.commune_total < spec.district_total:
            raise CommandError("Cần ít nhất 1 tỉnh, 1 ngày, mỗi tỉnh ≥ 1 huyện và mỗi huyện ≥ 1 xã.")
        if dataset_exists():
            if not options["clear"]:
                raise CommandError("Đã có dữ liệu tổng hợp; chạy lại với --clear để tạo lại.")
            dataset_clear(progress=stderr_progress)
        try:
            summary = dataset_generate(spec, progress=stderr_progress)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{summary.units} đơn vị, {summary.reports} báo cáo ({summary.late} trễ hạn, "
            f"{summary.corrections} được sửa), {summary.revisions} lần sửa; "
            + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in summary.seconds.items())
        )
