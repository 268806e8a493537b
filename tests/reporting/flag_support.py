"""Helpers shared by the deadline-watch tests (flags, notifications, excuses, pages, API)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from reporting.intake.services import report_submit
from reporting.models import Channel, DailyReport, MissedDeadline
from tests.conftest import local
from units.models import Unit, User

D1, D2, D3, D4 = (dt.date(2020, 8, d) for d in (13, 14, 15, 16))


def values_for(unit: Unit) -> dict:
    if unit.is_leaf_territory:
        return {"residents_installed": 100, "staff_installed": 1}
    return {"staff_installed": 1}


def submit(user: User, day: dt.date, at: dt.datetime, *, unit: Unit | None = None, late_reason: str | None = None,
           channel: str = Channel.WEB) -> DailyReport:
    unit = unit or user.unit
    return report_submit(user=user, unit=unit, day=day, values=values_for(unit), now=at,
                         late_reason=late_reason, channel=channel).report


def due_units() -> list[Unit]:
    return list(Unit.objects.filter(active=True, must_report=True).order_by("path"))


def flagged_codes(day: dt.date) -> set[str]:
    return set(MissedDeadline.objects.filter(date=day).values_list("unit__code", flat=True))


def after_deadline(day: dt.date, minutes: int = 0) -> dt.datetime:
    """`minutes` after the moment `day` may be closed: its 15:00 deadline plus the closing grace."""
    return (local(day.year, day.month, day.day, 15, 0, 0) + dt.timedelta(seconds=settings.BLUEZONE_CLOSE_GRACE_SECONDS)
            + dt.timedelta(minutes=minutes))
