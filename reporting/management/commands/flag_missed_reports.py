
from django.core.management.base import BaseCommand, CommandError

from reporting.campaigns import campaign_current
from reporting.watch.flagging import FlagDayRefused, missed_deadlines_flag
from units.paths import iso_day


class Command(BaseCommand):
    help = ("Ghi nhận các đơn vị chưa báo cáo đúng hạn cho mọi ngày đã qua hạn 15:00 (việc của lịch Celery beat), "
            "hoặc chỉ một ngày với --date. Chạy lại nhiều lần không tạo trùng.")

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Chỉ ghi nhận ngày này (YYYY-MM-DD); hạn báo cáo của ngày phải đã qua.")

    def handle(self, *args, **options):
        day = None
        if options["date"] and (day := iso_day(options["date"])) is None:
            raise CommandError(f"Ngày không hợp lệ: {options['date']!r} (định dạng YYYY-MM-DD).")
        campaign = campaign_current()
        if campaign is None:
            raise CommandError("Chưa có chiến dịch nào (chạy load_units trước).")
        try:
            run = missed_deadlines_flag(campaign=campaign, day=day, recheck=True)
        except FlagDayRefused as exc:
            raise CommandError(str(exc)) from None
        if not run.days:
            self.stdout.write("Chưa có ngày nào của chiến dịch qua hạn báo cáo.")
            return
        for day in run.days:
            new = run.created.get(day, 0)
            escalated = run.escalated.get(day, 0)
            if new or escalated or len(run.days) == 1:
                self.stdout.write(f"{day:%d/%m/%Y}: {new} đơn vị mới ghi nhận trễ hạn, {escalated} đơn vị báo cấp trên.")
        self.stdout.write(f"Tổng: {run.total_created} ghi nhận mới trên {len(run.days)} ngày đã qua hạn "
                          f"({run.total_escalated} báo cấp trên).")
