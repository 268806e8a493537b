"""Writes for units, the campaign and accounts."""

from __future__ import annotations

import csv
import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from rest_framework.authtoken.models import Token

from units.models import Campaign, Role, Unit, UnitKind, User

DATA_DIR = Path(__file__).resolve().parent / "data"
UNITS_CSV = DATA_DIR / "haugiang_units_2020-08.csv"
AGENCIES_CSV = DATA_DIR / "haugiang_agencies.csv"
PROVINCE_CODE = "93"


@dataclass
class LoadSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _upsert(*, code: str, fields: dict, summary: LoadSummary) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        unit = Unit(code=code, **fields)
        unit.save()
        summary.created += 1
        return unit
    changed = [name for name, value in fields.items() if getattr(unit, name if name != "parent" else "parent_id") != (
        value.pk if name == "parent" and value is not None else value)]
    if changed:
        for name in changed:
            setattr(unit, name, fields[name])
        unit.save()
        summary.updated += 1
    else:
        summary.unchanged += 1
    return unit


@transaction.atomic
def units_load(*, units_csv: Path = UNITS_CSV, agencies_csv: Path = AGENCIES_CSV) -> LoadSummary:
    """Create or update the Hau Giang units; a second run changes nothing.

    Populations an administrator has set for communes the data leaves empty
    are kept: an empty cell in the file means "not known here", not "erase".
    """
    summary = LoadSummary()
    by_code: dict[str, Unit] = {}
    with open(units_csv, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            fields = {
                "name": row["name"].strip(),
                "kind": row["kind"].strip(),
                "parent": by_code.get(row["parent_code"].strip()) if row["parent_code"].strip() else None,
            }
            if row["population"].strip():
                fields["population"] = int(row["population"])
                fields["population_source"] = row["population_source"].strip()
            by_code[row["code"].strip()] = _upsert(code=row["code"].strip(), fields=fields, summary=summary)
    province = by_code[PROVINCE_CODE]
    with open(agencies_csv, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            fields = {
                "name": row["name"].strip(),
                "kind": UnitKind.AGENCY,
                "parent": province,
                "group": row["group"].strip(),
                "named_in_dispatch": row["named_in_dispatch"].strip(),
            }
            _upsert(code=row["code"].strip(), fields=fields, summary=summary)
    # The province reports only DIC's official figure; it has no daily duty.
    if province.must_report:
        Unit.objects.filter(pk=province.pk).update(must_report=False)
    campaign_2020_ensure(root=province)
    return summary


def campaign_2020_ensure(*, root: Unit) -> Campaign:
    """The campaign of dispatch 1747/UBND-NCTH (13 Aug 2020), created once."""
    campaign, _ = Campaign.objects.get_or_create(
        root=root,
        start_date=dt.date(2020, 8, 13),
        defaults={
            "name": "Bluezone Hậu Giang 2020",
            "target_date": dt.date(2020, 8, 30),
            "population_target_rate": Decimal("0.30"),
            "staff_target_rate": Decimal("1.00"),
            "deadline": dt.time(15, 0),
            "time_zone": "Asia/Ho_Chi_Minh",
            "baseline_date": dt.date(2020, 8, 13),
            "baseline_installed": 55289,
            "baseline_population": 733017,
            "dispatch": "Công văn số 1747/UBND-NCTH ngày 13/8/2020 của UBND tỉnh Hậu Giang",
        },
    )
    return campaign


class AccountError(ValueError):
    pass


def user_create(
    *, username: str, role: str, unit_code: str | None = None, password: str | None = None,
    email: str = "", first_name: str = "",
) -> tuple[User, str, str]:
    """Create one account; returns (user, password, API token)."""
    if role not in Role.values:
        raise AccountError(f"Vai trò không hợp lệ: {role!r} (reporter, reviewer, viewer, admin).")
    unit = None
    if unit_code:
        unit = Unit.objects.filter(code=unit_code).first()
        if unit is None:
            raise AccountError(f"Không có đơn vị mã {unit_code!r}.")
    if role == Role.REPORTER and unit is None:
        raise AccountError("Tài khoản báo cáo (reporter) phải gắn với một đơn vị (--unit).")
    if role != Role.REPORTER and unit is not None:
        raise AccountError("Chỉ tài khoản báo cáo (reporter) mới gắn với đơn vị.")
    if User.objects.filter(username=username).exists():
        raise AccountError(f"Tên đăng nhập {username!r} đã tồn tại.")
    password = password or secrets.token_urlsafe(12)
    with transaction.atomic():
        user = User.objects.create_user(
            username=username, password=password, email=email, role=role, unit=unit,
            first_name=first_name, is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN,
        )
        token = Token.objects.create(user=user)
    return user, password, token.key
