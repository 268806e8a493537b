from django.core.management.base import BaseCommand, CommandError

from units.models import Role
from units.services import AccountError, user_create


class Command(BaseCommand):
    help = "Tạo một tài khoản và in mã API (token) của tài khoản đó."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--unit", help="mã đơn vị (bắt buộc với reporter)")
        parser.add_argument("--password", help="mật khẩu; bỏ trống để tạo ngẫu nhiên")
        parser.add_argument("--email", default="")

    def handle(self, *args, **options):
        try:
            user, password, token = user_create(
                username=options["username"], role=options["role"], unit_code=options["unit"],
                password=options["password"], email=options["email"],
            )
        except AccountError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Đã tạo {user.username} ({user.get_role_display()}).")
        if not options["password"]:
            self.stdout.write(f"Mật khẩu: {password}")
        self.stdout.write(f"Token: {token}")
