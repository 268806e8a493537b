"""Reads of the maintained progress table (ProgressDay), for the selectors' fast path.

PostgreSQL keeps the table exact itself (triggers in migration 0003, in the
same transaction as every report and unit change); this module only asks
it. Off PostgreSQL, or with settings.BLUEZONE_PROGRESS_TABLE = False, it
answers "not covered" and the selectors compute from the reports — the same
numbers, only slower.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.db import connection
from django.utils import timezone

from reporting.watch import deadlines
from units.cache_fallback import cache
from units.models import Campaign, Unit


@dataclass(frozen=True)
class ProgressRow:
    residents_installed: int
    leaves: int
    reported_leaves: int
    on_time_leaves: int


EMPTY = ProgressRow(residents_installed=0, leaves=0, reported_leaves=0, on_time_leaves=0)
CACHE_SECONDS = 600
T = TypeVar("T")


def progress_version(*, scope: Unit, until: dt.date | None = None) -> str | None:
    """What caches of figures about `scope` up to `until` are keyed by; None when nothing keeps it.

    PostgreSQL changes it in the same transaction as the data (migration
    0016), after applying this transaction's own pending changes: with every
    unit change and table rebuild, and with every report change dated on or
    before `until` (any date when None) in a territory inside `scope` or above
    it. A save in one commune leaves the answers about other provinces, and
    about earlier days, where they are. None off PostgreSQL, with the table
    switched off or not built yet: then nothing may be cached.
    """
    if not progress_table_enabled():
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporting_progress_scope_version(%s, %s)",
                       [scope.path, until or dt.date.max])
        return cursor.fetchone()[0]


def progress_cached(
    *, campaign: Campaign, user, parts: tuple, compute: Callable[[], T], day: dt.date | None = None,
    scope: Unit | None = None, version: str | None = None,
) -> T:
    """`compute()`, or what it answered before for the same data version, campaign, user and `parts`.

    For figures about `scope` (the campaign's territory by default) up to
    `day` (every day when None) as computed from reports and units: the
    version (progress_version, or `version` when the caller knows a narrower
    one) changes with every change they could depend on, so nothing stale is
    ever served and nothing needs deleting (entries expire). The key holds
    every field of the campaign and of the user that access depends on, so a
    changed campaign or role is a miss.
    """
    if not settings.BLUEZONE_PROGRESS_CACHE:
        return compute()
    if version is None:
        version = progress_version(scope=scope or campaign.root, until=day)
    if version is None:
        return compute()
    campaign_fields = tuple(getattr(campaign, f.attname) for f in campaign._meta.concrete_fields)
    user_fields = (user.pk, user.role, user.unit_id, user.is_active, user.is_superuser)
    key = "bluezone:progress:" + hashlib.sha256(
        repr((version, campaign_fields, user_fields, parts)).encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=CACHE_SECONDS)
    return value


def progress_table_enabled() -> bool:
    return connection.vendor == "postgresql" and settings.BLUEZONE_PROGRESS_TABLE


def progress_span(*, campaign: Campaign, now: dt.datetime | None = None) -> tuple[dt.date, dt.date] | None:
    """The days the table covers, once it covers `campaign` up to today and the day before it; None: read reports.

    Called once per read, by reporting.progress.source.figure_source.
    One query. The first call for a campaign builds the table, the first call
    of a new day extends it (both lock out report writes for that long:
    milliseconds, or seconds to build a country); every call also applies the
    transaction's own uncommitted changes, so a transaction reads what it wrote.
    """
    return progress_span_versioned(campaign=campaign, now=now)[0]


def progress_span_versioned(
    *, campaign: Campaign, now: dt.datetime | None = None, until: dt.date | None = None,
) -> tuple[tuple[dt.date, dt.date] | None, str | None]:
    """progress_span(), and with `until` the campaign territory's progress_version up to that day, read
    just after it in the same statement (one round trip fewer for an answer that is cached)."""
    if not progress_table_enabled():
        return None, None
    first = campaign.start_date - dt.timedelta(days=1)  # "change since the day before" on the first day
    last = min(campaign.target_date, deadlines.local_date(at=now or timezone.now(), zone=campaign.zone))
    with connection.cursor() as cursor:
        if until is None:
            cursor.execute("SELECT first_date, last_date, NULL FROM reporting_progress_ensure(%s, %s)", [first, last])
        else:
            cursor.execute("SELECT e.first_date, e.last_date, reporting_progress_scope_version(%s, %s)"
                           " FROM reporting_progress_ensure(%s, %s) e", [campaign.root.path, until, first, last])
        first_date, last_date, version = cursor.fetchone()
    return (None if first_date is None else (first_date, last_date)), version


def progress_rows(
    *, unit_ids: Iterable[int], days: Iterable[dt.date], also: tuple[int, Iterable[dt.date]] | None = None,
) -> dict[tuple[int, dt.date], ProgressRow] | None:
    """(unit id, day) → its row (a unit with no active leaf has none: read it as EMPTY), in one query.

    `unit_ids` × `days`, and with `also` = (unit id, its days) those rows too
    (a read's districts for two days and its root for every day of the trend,
    in one statement). Callers go through
    reporting.progress.source.FigureSource, which knows whether the read uses
    the table and which days it covers.

    None when the table does not cover the days after all: the span is checked
    in the same statement, so a rebuild committed since progress_span() cannot
    pass for all-zero figures. Array parameters rather than an IN list of
    hundreds of ids keep the statement small and cheap to build.
    """
    days = list(days)
    extra_unit, extra_days = (also[0], list(also[1])) if also is not None else (None, [])
    every_day = days + extra_days
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.unit_id, d.date, d.residents_installed, d.leaves, d.reported_leaves, d.on_time_leaves"
            " FROM reporting_progressspan s LEFT JOIN reporting_progressday d"
            " ON (d.unit_id = ANY(%s) AND d.date = ANY(%s)) OR (d.unit_id = %s AND d.date = ANY(%s))"
            " WHERE s.first_date <= %s AND s.last_date >= %s",
            [list(unit_ids), days, extra_unit, extra_days, min(every_day), max(every_day)],
        )
        found = cursor.fetchall()
    if not found:
        return None
    return {(unit_id, day): ProgressRow(*figures) for unit_id, day, *figures in found if unit_id is not None}


def progress_lock_unit(*, unit_id: int) -> None:
    """Serialise this transaction's writes about a unit with everyone else's, until it ends.

    The triggers take the same lock when a report is written; the report
    store takes it first (here on the ORM path, inside reporting_report_save()
    otherwise), before it locks the report row, so that every writer takes
    the two in the same order (unit, then row) and never deadlocks.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT reporting_progress_lock_unit(%s)", [unit_id])


def progress_table_rebuild(*, campaign: Campaign) -> bool:
    """Build the table from the reports now, for `campaign` and whatever it covered before."""
    if not progress_table_enabled():
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT first_date, last_date FROM reporting_progressspan")
        span = cursor.fetchone()
        first = campaign.start_date - dt.timedelta(days=1)
        last = campaign.target_date
        if span is not None:
            first, last = min(first, span[0]), max(last, span[1])
        cursor.execute("SELECT reporting_progress_rebuild(%s, %s)", [first, last])
    return True


def progress_table_forget() -> None:
    """Drop the table's contents; the next read builds it again (bulk loads call this first)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT reporting_progress_forget()")
