"""Reads for the deadline watch: flags with their run of misses, late reports, contacts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet

from reporting.models import DailyReport, MissedDeadline
from reporting.watch.compliance import EXCUSED, LATE, MISSING, compliance_for_day, status_label, units_due
from reporting.watch.flagging import consecutive_runs
from units.models import Campaign, Unit, User


@dataclass
class FlagRow:
    flag: MissedDeadline
    consecutive_misses: int
    reported_late_at: dt.datetime | None
    late_reason: str
    # The late report's stored warnings (codes and values; worded for the reader by reporting.record_text).
    warnings: list = field(default_factory=list)

    @property
    def unit(self) -> Unit:
        return self.flag.unit

    @property
    def status(self) -> str:
        """The flagged day's status in the one vocabulary: excused, late (reported after the deadline) or missing."""
        if self.flag.excused:
            return EXCUSED
        return LATE if self.reported_late_at is not None else MISSING

    @property
    def status_label(self) -> str:
        return status_label(self.status)


def flag_rows(
    *, campaign: Campaign, units: QuerySet[Unit] | None = None, day: dt.date | None = None,
    escalated_only: bool = False,
) -> list[FlagRow]:
    """The campaign's flags (of `units`, on `day`), in tree order, with context: three queries."""
    flags = MissedDeadline.objects.filter(campaign=campaign).select_related("unit", "excused_by")
    if units is not None:
        flags = flags.filter(unit__in=units)
    if day is not None:
        flags = flags.filter(date=day)
    if escalated_only:
        flags = flags.filter(escalated=True)
    flags = list(flags.order_by("unit__path", "date"))
    if not flags:
        return []
    unit_ids = {f.unit_id for f in flags}
    history = MissedDeadline.objects.filter(
        campaign=campaign, unit_id__in=unit_ids, date__lte=max(f.date for f in flags),
    ).values_list("unit_id", "date", "excused")
    runs = consecutive_runs(history)
    reports = {
        (r["unit_id"], r["date"]): r
        for r in DailyReport.objects.filter(unit_id__in=unit_ids, date__in={f.date for f in flags})
        .values("unit_id", "date", "first_submitted_at", "on_time", "late_reason", "warnings")
    }
    rows = []
    for flag in flags:
        report = reports.get((flag.unit_id, flag.date))
        late = report is not None and not report["on_time"]
        rows.append(FlagRow(
            flag=flag,
            consecutive_misses=runs.get((flag.unit_id, flag.date), 0),
            reported_late_at=report["first_submitted_at"] if late else None,
            late_reason=report["late_reason"] if late else "",
            warnings=report["warnings"] if late else [],
        ))
    return rows


def unit_contacts(*, unit_ids) -> dict[int, list[User]]:
    """Active accounts of each unit: whom a reviewer calls when the unit is missing."""
    contacts: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(unit_id__in=list(unit_ids), is_active=True).order_by("username"):
        contacts[user.unit_id].append(user)
    return contacts


@dataclass
class BoardRow:
    """One unit on the "Chưa báo cáo" board for a day."""

    unit: Unit
    status: str
    flag_row: FlagRow | None
    contacts: list[User]


BOARD_ORDER = (MISSING, LATE, "not_yet", EXCUSED)


def flags_board_rows(
    *, campaign: Campaign, day: dt.date, units: QuerySet[Unit], now: dt.datetime, with_contacts: bool,
) -> tuple[list[BoardRow], dict[str, int]]:
    """Every due unit in `units` that was not on time on `day`, worst first; and the day's counts."""
    summary = compliance_for_day(campaign=campaign, day=day, within=units, now=now)
    wanted = {code: status for status in BOARD_ORDER for code in summary.codes[status]}
    by_code = {u.code: u for u in units_due(within=units).filter(code__in=list(wanted)).select_related("parent")}
    flags = {r.unit.code: r for r in flag_rows(campaign=campaign, units=units, day=day)}
    contacts = unit_contacts(unit_ids=[u.pk for u in by_code.values()]) if with_contacts else {}
    rows = [
        BoardRow(unit=unit, status=wanted[code], flag_row=flags.get(code), contacts=contacts.get(unit.pk, []))
        for code, unit in by_code.items()
    ]
    rows.sort(key=lambda r: (BOARD_ORDER.index(r.status), r.unit.path))
    return rows, summary.counts
