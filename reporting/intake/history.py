"""Reads for the report form, the receipt, the history and the official-figure pages.

Every list here costs a fixed number of queries, whatever the number of units.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet

from reporting.intake.validation import field_label, fields_for_unit
from reporting.models import COUNT_FIELDS, DailyReport, ReportRevision
from reporting.progress.figures import latest_values
from reporting.watch.compliance import compliance_statuses, units_due
from units.access import units_readable_by
from units.models import Campaign, Unit, User


@dataclass(frozen=True)
class FormState:
    """What the form for (unit, day) starts from."""

    report: DailyReport | None  # the day's own report, if any
    last: DailyReport | None  # the latest report dated on or before the day (carry forward)
    # Per count, what a blank keeps (rule 1): the latest non-blank figure dated before the day, and its date.
    previous: dict[str, tuple[int, dt.date]] = field(default_factory=dict)


def report_form_state(*, unit: Unit, day: dt.date) -> FormState:
    last = DailyReport.objects.filter(unit=unit, date__lte=day).order_by("-date").first()
    return FormState(report=last if last is not None and last.date == day else None, last=last,
                     previous=report_previous_figures(unit=unit, day=day))


def report_previous_figures(*, unit: Unit, day: dt.date) -> dict[str, tuple[int, dt.date]]:
    """Per count, `unit`'s latest non-blank figure dated before `day` and its date: what a blank keeps.

    One query; a unit has at most one report per campaign day, and the scan
    stops once every count has a figure.
    """
    found: dict[str, tuple[int, dt.date]] = {}
    rows = DailyReport.objects.filter(unit=unit, date__lt=day).order_by("-date").values_list("date", *COUNT_FIELDS)
    for date, *values in rows:
        for name, value in zip(COUNT_FIELDS, values, strict=True):
            if value is not None and name not in found:
                found[name] = (value, date)
        if len(found) == len(COUNT_FIELDS):
            break
    return found


@dataclass(frozen=True)
class ChildStatus:
    unit: Unit
    status: str
    report: DailyReport | None
    residents_installed: int | None
    values_date: dt.date | None


def children_status(
    *, campaign: Campaign, unit: Unit, day: dt.date, now: dt.datetime | None = None
) -> list[ChildStatus]:
    """The units below `unit` that must report, with `day`'s status and latest residents."""
    if unit.is_leaf_territory:
        return []
    children = units_due(within=Unit.objects.subtree(unit).exclude(pk=unit.pk))
    rows = list(children)
    statuses = compliance_statuses(campaign=campaign, units=children, days=[day], now=now)
    latest = latest_values(units=children, day=day)
    reports = {r.unit_id: r for r in DailyReport.objects.filter(unit__in=children, date=day)}
    result = []
    for child in rows:
        values = latest.get(child.pk)
        result.append(ChildStatus(
            unit=child, status=statuses[(child.pk, day)], report=reports.get(child.pk),
            residents_installed=values.residents_installed if values else None,
            values_date=values.date if values else None,
        ))
    return result


def revisions_readable(
    *, user: User, unit_code: str | None = None, day: dt.date | None = None
) -> QuerySet[ReportRevision]:
    """Revisions of the units the user may read, newest first."""
    revisions = ReportRevision.objects.filter(unit__in=units_readable_by(user=user))
    if unit_code:
        revisions = revisions.filter(unit__code=unit_code)
    if day:
        revisions = revisions.filter(date=day)
    return revisions.select_related("unit", "author", "report").order_by("-created_at", "-number", "-pk")


def revision_readable(*, user: User, revision_id: int) -> ReportRevision | None:
    return (
        ReportRevision.objects.filter(pk=revision_id, unit__in=units_readable_by(user=user))
        .select_related("unit", "author", "report").first()
    )


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: int | str | None
    new: int | str | None
    changed: bool


def revision_changes(revision: ReportRevision) -> list[Change]:
    """Old → new for every field the unit types, and the note when it has one."""
    previous = revision.previous or {}
    first = revision.previous is None
    fields = [f for f in COUNT_FIELDS if f in fields_for_unit(revision.unit)
              or getattr(revision, f) is not None or previous.get(f) is not None]
    if revision.note or previous.get("note"):
        fields.append("note")
    changes = []
    for name in fields:
        new = getattr(revision, name)
        old = previous.get(name)
        if name == "note":
            new, old = new or "", old or ""
        changes.append(Change(
            field=name, label=field_label(name), old=None if first else old, new=new,
            changed=first or old != new,
        ))
    return changes


def official_entries(*, campaign: Campaign, limit: int = 10) -> list[DailyReport]:
    """The latest official province figures DIC entered."""
    return list(
        DailyReport.objects.filter(campaign=campaign, unit=campaign.root)
        .select_related("updated_by").order_by("-date")[:limit]
    )
