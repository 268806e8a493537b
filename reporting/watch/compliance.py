"""Who reported on time, late, not at all, or was excused (rules 2 and 3).

Shared by the flags pages, the dashboards' compliance board, the
`/api/v1/compliance/` answer and the Excel export.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reporting.models import DailyReport, MissedDeadline
from reporting.watch import deadlines
from units.models import Campaign, Unit


class ReportStatus(models.TextChoices):
    """A unit's standing for a day: the one vocabulary of every page, the API and the workbook."""

    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Trễ hạn")
    MISSING = "missing", _("Chưa báo cáo")
    EXCUSED = "excused", _("Được miễn")
    NOT_YET = "not_yet", _("Chưa đến hạn")


ON_TIME, LATE, MISSING, EXCUSED, NOT_YET = (
    ReportStatus.ON_TIME, ReportStatus.LATE, ReportStatus.MISSING, ReportStatus.EXCUSED, ReportStatus.NOT_YET,
)
STATUSES = tuple(ReportStatus.values)
# The one-character mark of each status on the compliance grid.
STATUS_MARKS = {ON_TIME: "✓", LATE: "T", MISSING: "✗", EXCUSED: "M", NOT_YET: "·"}


def status_label(status: str) -> str:
    """The status in the reader's language."""
    return str(ReportStatus(status).label)


def status_labels() -> dict[str, str]:
    """Every status in the reader's language, by value (called per request: the language is the request's)."""
    return {status.value: str(status.label) for status in ReportStatus}


def units_due(*, within: QuerySet[Unit] | None = None) -> QuerySet[Unit]:
    """Active units with the daily duty, in tree order."""
    units = within if within is not None else Unit.objects.all()
    return units.filter(active=True, must_report=True).order_by("path")


def compliance_statuses(
    *, campaign: Campaign, units: QuerySet[Unit], days: list[dt.date],
    now: dt.datetime | None = None, as_at: dt.datetime | None = None,
) -> dict[tuple[int, dt.date], str]:
    """Status of each (unit, day): two queries whatever the number of units or days.

    With `as_at`, only what was known at that instant counts (the 15:00 snapshot).
    """
    known_at = as_at or now or timezone.now()
    unit_ids = list(units.values_list("pk", flat=True))
    # Like the selectors' snapshot: as at 15:00 means saved strictly before 15:00:00.
    known = {"first_submitted_at__lt": as_at} if as_at is not None else {"first_submitted_at__lte": known_at}
    reports = DailyReport.objects.filter(unit_id__in=unit_ids, date__in=days, **known)
    submitted = {(r["unit_id"], r["date"]): r["on_time"] for r in reports.values("unit_id", "date", "on_time")}
    flags = MissedDeadline.objects.filter(unit_id__in=unit_ids, date__in=days, excused=True)
    excused = {(f["unit_id"], f["date"]) for f in flags.values("unit_id", "date", "excused_at") if
               f["excused_at"] is None or f["excused_at"] <= known_at}
    result = {}
    for day in days:
        due = deadlines.deadline_at(day=day, deadline=campaign.deadline, zone=campaign.zone)
        for unit_id in unit_ids:
            key = (unit_id, day)
            on_time = submitted.get(key)
            if on_time:
                status = ON_TIME
            elif key in excused:
                status = EXCUSED
            elif on_time is False:
                status = LATE
            elif known_at >= due:
                status = MISSING
            else:
                status = NOT_YET
            result[key] = status
    return result


@dataclass
class ComplianceDay:
    day: dt.date
    codes: dict[str, list[str]] = field(default_factory=lambda: {s: [] for s in STATUSES})

    @property
    def counts(self) -> dict[str, int]:
        return {status: len(codes) for status, codes in self.codes.items()}


def compliance_for_day(
    *, campaign: Campaign, day: dt.date, within: QuerySet[Unit] | None = None,
    now: dt.datetime | None = None, as_at: dt.datetime | None = None,
) -> ComplianceDay:
    units = units_due(within=within)
    codes = dict(units.values_list("pk", "code"))
    statuses = compliance_statuses(campaign=campaign, units=units, days=[day], now=now, as_at=as_at)
    summary = ComplianceDay(day=day)
    for unit_id, code in codes.items():
        summary.codes[statuses[(unit_id, day)]].append(code)
    return summary
