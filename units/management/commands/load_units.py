from pathlib import Path

from django.core.management.base import BaseCommand

from units.services import AGENCIES_CSV, UNITS_CSV, units_load


class Command(BaseCommand):
    help = "Tạo hoặc cập nhật các đơn vị của tỉnh Hậu Giang và chiến dịch 2020 (chạy lại không thay đổi gì)."

    def add_arguments(self, parser):
        parser.add_argument("csv", nargs="?", default=str(UNITS_CSV), help="CSV of territorial units")
        parser.add_argument("--agencies", default=str(AGENCIES_CSV), help="CSV of provincial agencies")

    def handle(self, *args, **options):
        summary = units_load(units_csv=Path(options["csv"]), agencies_csv=Path(options["agencies"]))
        self.stdout.write(
            f"Đơn vị: {summary.created} tạo mới, {summary.updated} cập nhật, {summary.unchanged} không đổi."
        )
