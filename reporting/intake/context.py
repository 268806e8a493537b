"""What a save must read before it writes, in one statement.

A report save needs the unit, the current campaign (dates, deadline, zone)
and the unit's latest report before the day (for the "count went down"
warning). Three ORM queries cost more than the write itself (issue 7), so
they are one statement here, its column lists taken from the models and its
values converted by the fields themselves, as the ORM would. On PostgreSQL
the statement reads the rows through reporting_submit_context() (migration
0007), whose plans are kept for the connection; elsewhere it is portable SQL.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from django.db import connection
from django.db.models import Subquery

from reporting.models import COUNT_FIELDS, DailyReport
from units.models import Campaign, Unit
from units.paths import unit_code_possible


@dataclass(frozen=True)
class SubmitContext:
    unit: Unit
    campaign: Campaign | None
    # The unit's latest report dated before the day (only its date and counts are loaded).
    previous: DailyReport | None


# (alias in the portable statement, the function's OUT name, model, fields read)
_PARTS = (
    ("u", "unit", Unit, Unit._meta.concrete_fields),
    ("c", "campaign", Campaign, Campaign._meta.concrete_fields),
    ("r", "previous", DailyReport, [DailyReport._meta.get_field(name) for name in ("id", "date", *COUNT_FIELDS)]),
)


def _uses_function() -> bool:
    return connection.vendor == "postgresql"


@functools.cache
def _sql(vendor: str, key: str, function: bool) -> str:
    """The statement for the unit whose `key` ("id" or "code") has a value, for a save of a day."""
    qn = connection.ops.quote_name
    if function:
        columns = ", ".join(f"(x.{part}).{qn(f.column)}" for _alias, part, _model, fields in _PARTS for f in fields)
        unit_id, code = ("%s", "NULL") if key == "id" else ("NULL", "%s")
        return f"SELECT {columns} FROM reporting_submit_context({unit_id}, {code}, %s::date) x"  # noqa: S608
    columns = ", ".join(f"{alias}.{qn(f.column)}" for alias, _part, _model, fields in _PARTS for f in fields)
    # Same choice as campaigns.campaign_current(): the latest start, then the latest row. Names come from
    # the models' metadata; every value is a parameter.
    return (
        f"SELECT {columns} FROM {qn(Unit._meta.db_table)} u"  # noqa: S608
        f" LEFT JOIN {qn(Campaign._meta.db_table)} c ON c.id = ("
        f"SELECT id FROM {qn(Campaign._meta.db_table)} ORDER BY start_date DESC, id DESC LIMIT 1)"
        f" LEFT JOIN {qn(DailyReport._meta.db_table)} r ON r.id = ("
        f"SELECT id FROM {qn(DailyReport._meta.db_table)} p WHERE p.unit_id = u.id AND p.date < %s"
        f" ORDER BY p.date DESC LIMIT 1)"
        f" WHERE u.{qn(key)} = %s"
    )


@functools.cache
def _converters(vendor: str) -> list[tuple]:
    """Per part: its model, field names, and each column's expression with the converters the ORM applies."""
    plan = []
    for alias, _part, model, fields in _PARTS:
        columns = []
        for field in fields:
            col = field.get_col(alias)
            columns.append((col, [*connection.ops.get_db_converters(col), *field.get_db_converters(connection)]))
        plan.append((model, [f.attname for f in fields], columns))
    return plan


def _context(key: str, value, day: dt.date | None, *, function: bool | None = None) -> SubmitContext | None:
    """`function`: read through reporting_submit_context() (the default on PostgreSQL) or the portable SQL."""
    function = _uses_function() if function is None else function
    with connection.cursor() as cursor:
        cursor.execute(_sql(connection.vendor, key, function), [value, day] if function else [day, value])
        row = cursor.fetchone()
    if row is None:
        return None
    instances, start = [], 0
    for model, names, columns in _converters(connection.vendor):
        values = row[start:start + len(names)]
        start += len(names)
        if values[0] is None:  # the primary key: no row joined
            instances.append(None)
            continue
        converted = []
        for (col, converters), value in zip(columns, values, strict=True):
            for converter in converters:
                value = converter(value, col, connection)
            converted.append(value)
        instances.append(model.from_db(connection.alias, names, converted))
    unit, campaign, previous = instances
    if unit is None:  # the function answers a row of NULLs
        return None
    return SubmitContext(unit=unit, campaign=campaign, previous=previous)


def submit_context(*, unit: Unit, day: dt.date) -> SubmitContext:
    """The campaign and `unit`'s previous report for a save of `day`."""
    context = _context("id", unit.pk, day)
    if context is None:
        raise Unit.DoesNotExist(unit.pk)
    return SubmitContext(unit=unit, campaign=context.campaign, previous=context.previous)


def submit_context_by_code(*, code: str, day: dt.date | None) -> SubmitContext | None:
    """The same for the unit with `code`; None when no unit has it. No scope check: callers ask units.access.

    Codes no unit can have (too long, NUL bytes) are not sent to the database.
    Without a day there is no previous report.
    """
    if not unit_code_possible(code):
        return None
    return _context("code", code, day)


def counts_carried_past_blanks(
    *, unit: Unit, previous: DailyReport, fields: list[str],
) -> dict[str, tuple[int, dt.date]]:
    """Each of `fields` (left blank in `previous`): its latest figure and date from an earlier report, in one query.

    Rule 1 carries a blank count forward, so "the previous figure" a new one is
    compared with (the decrease and jump warnings) is that carried one: 1.000
    on the 18th, blank on the 19th and 800 on the 20th is a decrease. Asked only
    for a count typed now that `previous` left blank, so most saves never ask.
    """
    blank = [name for name in fields if getattr(previous, name) is None]
    if not blank:
        return {}
    earlier = DailyReport.objects.filter(unit_id=unit.pk, date__lt=previous.date).order_by("-date")
    found = Unit.objects.filter(pk=unit.pk).values(**{
        key: Subquery(earlier.filter(**{f"{name}__isnull": False}).values(column)[:1])
        for name in blank for key, column in ((f"value_{name}", name), (f"date_{name}", "date"))
    }).first() or {}
    return {name: (found[f"value_{name}"], found[f"date_{name}"]) for name in blank
            if found.get(f"value_{name}") is not None}
