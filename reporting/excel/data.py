"""What the daily workbook needs beyond the dashboard selectors: scope, instant, late units, corrections.

The numbers themselves come from reporting.progress.figures / progress.selectors /
compliance; this module only decides whose units and which instant, and
lists the rows that explain the numbers (who is missing, what changed after
the deadline).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from reporting.models import DailyReport, MissedDeadline, ReportRevision
from reporting.progress.figures import ProvinceProgress
from reporting.progress.selectors import Projection, StaffRow, TerritoryRow, TrendPoint, commune_table
from reporting.progress.source import FigureSource
from reporting.watch.compliance import EXCUSED, LATE, MISSING, NOT_YET, compliance_statuses, units_due
from reporting.watch.flagging import consecutive_runs
from units.access import units_readable_by
from units.models import Campaign, Unit, User

AS_AT_DEADLINE, AS_AT_NOW = "deadline", "now"


@dataclass(frozen=True)
class ExportScope:
    """The units a workbook covers: the province for readers of everything, else the user's subtree."""

    root: Unit
    units: QuerySet[Unit]

    @property
    def whole_province(self) -> bool:
        return self.root.is_province

    def covers(self, unit: Unit) -> bool:
        return unit.path.startswith(self.root.path)


def export_scope(*, user: User, campaign: Campaign) -> ExportScope | None:
    readable = units_readable_by(user=user)
    if user.reads_everything:
        root = campaign.root
    elif user.unit_id is not None and readable.filter(pk=user.unit_id).exists():
        root = user.unit
    else:
        return None
    return ExportScope(root=root, units=readable.filter(path__startswith=root.path))


@dataclass(frozen=True)
class ExportMoment:
    """Which figures: `as_at` for the selectors (None = everything known now), `known_at` for who reported.

    The deadline view of a day whose deadline has not come yet can only show
    what is known now, so `known_at` never lies in the future.
    """

    day: dt.date
    mode: str
    deadline: dt.datetime
    now: dt.datetime
    as_at: dt.datetime | None

    @property
    def known_at(self) -> dt.datetime:
        return min(self.as_at, self.now) if self.as_at is not None else self.now

    @property
    def before_deadline(self) -> bool:
        return self.now < self.deadline


def export_moment(*, day: dt.date, mode: str, deadline: dt.datetime, now: dt.datetime | None = None) -> ExportMoment:
    now = now or timezone.now()
    as_at = deadline if mode == AS_AT_DEADLINE else None
    return ExportMoment(day=day, mode=mode, deadline=deadline, now=now, as_at=as_at)


@dataclass
class LateUnit:
    unit: Unit
    status: str
    consecutive_misses: int
    submitted_at: dt.datetime | None
    reason: str


def missing_and_late(
    *, campaign: Campaign, scope: ExportScope, moment: ExportMoment,
) -> tuple[dict[str, int], list[LateUnit]]:
    """Compliance counts for the day, and every due unit that was not on time, as known at `known_at`.

    A run of misses uses the flagging rule (reporting.watch.flagging.consecutive_runs)
    on the statuses as known at that instant, so it does not depend on when
    the flagging job ran and the 15:00 view stays reproducible.
    """
    day, known_at = moment.day, moment.known_at
    due = units_due(within=scope.units)
    today = compliance_statuses(campaign=campaign, units=due, days=[day], as_at=known_at)
    counts = {status: 0 for status in ("on_time", LATE, MISSING, EXCUSED, NOT_YET)}
    for status in today.values():
        counts[status] += 1
    counts["due"] = len(today)
    behind = [unit_id for (unit_id, _day), status in today.items() if status != "on_time"]
    if not behind:
        return counts, []

    units = {u.pk: u for u in Unit.objects.filter(pk__in=behind).select_related("parent")}
    days = [d for d in campaign.days() if d <= day]
    history = compliance_statuses(campaign=campaign, units=Unit.objects.filter(pk__in=behind), days=days,
                                  as_at=known_at)
    runs = consecutive_runs(
        (unit_id, d, status == EXCUSED) for (unit_id, d), status in history.items()
        if status in (MISSING, LATE, EXCUSED)
    )
    reports = {
        r["unit_id"]: r for r in DailyReport.objects.filter(
            unit_id__in=behind, date=day, first_submitted_at__lte=known_at,
        ).values("unit_id", "first_submitted_at", "late_reason")
    }
    excuses = dict(
        MissedDeadline.objects.filter(unit_id__in=behind, date=day, excused=True).values_list("unit_id", "excuse_reason")
    )
    rows = []
    for unit_id in sorted(behind, key=lambda pk: units[pk].path):
        status = today[(unit_id, day)]
        report = reports.get(unit_id)
        reason = excuses.get(unit_id, "") if status == EXCUSED else (report or {}).get("late_reason", "")
        streak_day = day - dt.timedelta(days=1) if status == NOT_YET else day
        rows.append(LateUnit(
            unit=units[unit_id], status=status, consecutive_misses=runs.get((unit_id, streak_day), 0),
            submitted_at=report["first_submitted_at"] if report else None, reason=reason or "",
        ))
    return counts, rows


def corrections_after_deadline(*, scope: ExportScope, moment: ExportMoment) -> QuerySet[ReportRevision]:
    """Reports and corrections for the day saved at or after its deadline: exactly what the 15:00 view leaves out."""
    return (
        ReportRevision.objects.filter(
            date=moment.day, created_at__gte=moment.deadline, created_at__lte=moment.now,
            unit__path__startswith=scope.root.path,
        )
        .select_related("unit", "unit__parent", "author", "report")
        .order_by("created_at", "unit__path", "number")
    )


@dataclass
class DailyReportData:
    """Everything the sheets show, read once from the selectors."""

    campaign: Campaign
    scope: ExportScope
    moment: ExportMoment
    progress: ProvinceProgress | None
    districts: list[TerritoryRow]
    staff: list[StaffRow]
    projection: Projection | None
    compliance: dict[str, int]
    late: list[LateUnit]
    root_row: TerritoryRow | None = None
    trend: list[TrendPoint] = field(default_factory=list)
    source: FigureSource | None = None  # where the workbook's figures come from, chosen once (export.py)

    def communes(self) -> Iterator[tuple[TerritoryRow | None, list[TerritoryRow]]]:
        """Each district's communes, read one district at a time so that only one is held in memory."""
        day, as_at, root = self.moment.day, self.moment.as_at, self.scope.root
        if root.is_leaf_territory:
            yield None, commune_table(campaign=self.campaign, district=root, day=day, as_at=as_at)
            return
        for district_row in self.districts:
            yield district_row, commune_table(campaign=self.campaign, district=district_row.unit, day=day, as_at=as_at)
