import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from units.services import AccountError, user_create


class Command(BaseCommand):
    help = (
        "Tạo nhiều tài khoản từ CSV (username, role, unit, email). Mật khẩu được tạo ngẫu nhiên "
        "và chỉ ghi vào tệp kết quả, không in ra màn hình."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--output", help="tệp CSV nhận mật khẩu (mặc định FILE.passwords.csv)")

    def handle(self, *args, **options):
        source = Path(options["file"])
        output = Path(options["output"] or source.with_suffix(".passwords.csv"))
        if not source.exists():
            raise CommandError(f"Không tìm thấy tệp {source}.")
        created = []
        errors = []
        with transaction.atomic():
            with open(source, encoding="utf-8-sig") as fh:
                for line, row in enumerate(csv.DictReader(fh), start=2):
                    try:
                        user, password, token = user_create(
                            username=(row.get("username") or "").strip(),
                            role=(row.get("role") or "").strip(),
                            unit_code=(row.get("unit") or row.get("unit_code") or "").strip() or None,
                            email=(row.get("email") or "").strip(),
                        )
                    except AccountError as exc:
                        errors.append(f"dòng {line}: {exc}")
                        continue
                    created.append((user.username, password, token))
            if errors:
                transaction.set_rollback(True)
                raise CommandError("Không tạo tài khoản nào:\n" + "\n".join(errors))
        output.touch(mode=0o600)
        with open(output, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["username", "password", "token"])
            writer.writerows(created)
        output.chmod(0o600)
        self.stdout.write(f"Đã tạo {len(created)} tài khoản; mật khẩu ghi trong {output}.")
