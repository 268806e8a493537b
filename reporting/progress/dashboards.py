"""What the dashboard pages and `/api/v1/progress/` share: which day, which snapshot, whose units.

Both read the same `date` and `as_at` parameters with the same messages, and
narrow the same selector rows to what the caller may read (rule 6), so a page
and its API twin always show the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reporting.campaigns import campaign_deadline_at, campaign_default_day, campaign_today
from reporting.progress.figures import campaign_trajectory
from reporting.progress.selectors import TrendPoint
from units.access import unit_readable_by, user_reads_everything
from units.models import Campaign, Unit, User
from units.paths import iso_day

AS_AT_NOW, AS_AT_DEADLINE = "now", "deadline"
AS_AT_CHOICES = (
    (AS_AT_NOW, gettext_lazy("Hiện tại: mọi số liệu đã nhận")),
    (AS_AT_DEADLINE, gettext_lazy("Lúc 15:00 của ngày xem (hạn báo cáo)")),
)


@dataclass(frozen=True)
class DashboardView:
    """The day the figures are for, and the instant they are taken at (None: everything known now)."""

    campaign: Campaign
    day: dt.date
    as_at_choice: str
    as_at: dt.datetime | None

    @property
    def query(self) -> str:
        return urlencode({"date": self.day.isoformat(), "as_at": self.as_at_choice})

    @property
    def is_deadline(self) -> bool:
        return self.as_at_choice == AS_AT_DEADLINE


def dashboard_view_parse(
    *, campaign: Campaign, params: Mapping, now: dt.datetime | None = None,
) -> tuple[DashboardView | None, dict[str, list[str]]]:
    """Read `date` (default: the campaign's default day) and `as_at` (default `now`).

    Returns the view, or None and Vietnamese messages keyed by the field.
    """
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    raw_day = (params.get("date") or "").strip()
    day = campaign_default_day(campaign=campaign, now=now)
    if raw_day:
        if (asked := iso_day(raw_day)) is None:
            errors["date"] = [_("Ngày xem: “%(value)s” không phải một ngày theo dạng YYYY-MM-DD (ví dụ 2020-08-20).")
                              % {"value": raw_day[:20]}]
        else:
            day = asked
            errors.update(_day_errors(campaign=campaign, day=day, now=now))
    choice = (params.get("as_at") or AS_AT_NOW).strip()
    if choice not in (AS_AT_NOW, AS_AT_DEADLINE):
        errors["as_at"] = [_("Thời điểm số liệu (as_at): chỉ nhận “now” (mọi số liệu đã nhận) "
                             "hoặc “deadline” (số liệu lúc 15 giờ 00 của ngày xem).")]
    if errors:
        return None, errors
    as_at = campaign_deadline_at(campaign=campaign, day=day) if choice == AS_AT_DEADLINE else None
    return DashboardView(campaign=campaign, day=day, as_at_choice=choice, as_at=as_at), {}


def _day_errors(*, campaign: Campaign, day: dt.date, now: dt.datetime) -> dict[str, list[str]]:
    fmt = "%d/%m/%Y"
    if not campaign.contains(day):
        return {"date": [_("Ngày xem: %(date)s nằm ngoài thời gian chiến dịch (%(start)s – %(end)s).") % {
            "date": day.strftime(fmt), "start": campaign.start_date.strftime(fmt),
            "end": campaign.target_date.strftime(fmt),
        }]}
    if day > campaign_today(campaign=campaign, now=now):
        return {"date": [_("Ngày xem: %(date)s chưa đến.") % {"date": day.strftime(fmt)}]}
    return {}


Row = TypeVar("Row")


def rows_readable(*, user: User, rows: Iterable[Row]) -> list[Row]:
    """Keep the rows (anything with a `.unit`) the user may read; no query per row."""
    if user_reads_everything(user=user):
        return list(rows)  # asked once, not once per row (700 districts for a country)
    return [row for row in rows if unit_readable_by(user=user, unit=row.unit)]


def district_of(unit: Unit) -> Unit | None:
    """The district-level unit a unit belongs to (itself for a district), or None."""
    if unit.is_district:
        return unit
    if unit.is_leaf_territory and unit.parent_id:
        parent = unit.parent
        return parent if parent.is_district else None
    return None


def chart_data(*, campaign: Campaign, trend: list[TrendPoint]) -> dict:
    """The rate curves over the whole campaign, in percent, for Chart.js (json_script)."""
    by_day = {point.day: point for point in trend}

    def percent(value: float | None) -> float | None:
        return None if value is None else round(value * 100, 2)

    days = campaign.days()
    return {
        "labels": [day.strftime("%d/%m") for day in days],
        "reported": [percent(by_day[d].reported_rate) if d in by_day else None for d in days],
        "official": [percent(by_day[d].official_rate) if d in by_day else None for d in days],
        "trajectory": [percent(campaign_trajectory(campaign=campaign, day=d)) for d in days],
        "target": percent(float(campaign.population_target_rate)),
        "series": {
            "reported": _("Tổng hợp từ báo cáo"),
            "official": _("Số liệu chính thức (Bộ TT&TT)"),
            "trajectory": _("Lộ trình đến mục tiêu"),
            "target": _("Mục tiêu"),
        },
    }
