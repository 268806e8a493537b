import random

from django.core.management.base import BaseCommand

from reporting.demo import demo_accounts_ensure, demo_history_load, demo_staff_totals


class Command(BaseCommand):
    help = "Tạo tài khoản mẫu, số cán bộ mẫu và lịch sử báo cáo 13–29/8/2020."

    def add_arguments(self, parser):
        parser.add_argument("--no-history", action="store_true")

    def handle(self, *args, **options):
        accounts = demo_accounts_ensure()
        demo_staff_totals(rng=random.Random(2020))
        made = 0 if options["no_history"] else demo_history_load()
        self.stdout.write(f"Lịch sử mẫu: {made} lần nộp báo cáo.")
        self.stdout.write("Tài khoản mẫu (tên đăng nhập / mật khẩu):")
        for a in accounts:
            self.stdout.write(f"  {a.username:<15} {a.password:<15} {a.role} — {a.purpose}")
