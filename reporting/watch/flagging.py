"""Missed-deadline detection (docs/design.md, rule 3).

When a campaign day's deadline has passed, every active must-report unit of
the campaign without an *on-time* report for that day gets one
MissedDeadline row. The outcome depends only on the data, never on when the
job runs: a run at 15:00:05 and a run two days later flag the same units
(on_time is fixed at the first submission), so a scheduler that was down
simply catches up on its next tick.

Idempotence lives in the database: the unique (unit, date) constraint plus
INSERT ... ON CONFLICT DO NOTHING, so re-runs and concurrent runs never
create a row twice, and RETURNING tells exactly which rows this run made.

Repeat offenders: a unit's *consecutive misses* on a flagged day is the
length of the run of flagged, non-excused campaign days ending that day.
An on-time report breaks the run (no flag that day); so does an excused
day — the reviewer accepted the absence, so it is not counted against the
unit and the count starts again after it. A late report does not break it:
the day was still missed. Once the run reaches
settings.BLUEZONE_ESCALATION_DAYS the flag is marked escalated (and stays
so: it records that the district was told).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from reporting.campaigns import campaign_current
from reporting.models import ClosedDay, DailyReport, MissedDeadline
from reporting.postgres.dialect import date_from_db, days_source
from reporting.watch import deadlines
from reporting.watch.day_lock import day_close_lock
from units.models import Campaign, Unit

logger = logging.getLogger(__name__)


class FlagDayRefused(ValueError):
    """The requested day cannot be closed (future, deadline not passed, outside the campaign)."""


@dataclass
class FlagRun:
    """What one run changed."""

    now: dt.datetime
    campaign_id: int | None = None
    days: list[dt.date] = field(default_factory=list)  # closed days examined
    created: dict[dt.date, int] = field(default_factory=dict)  # new flags per day
    escalated: dict[dt.date, int] = field(default_factory=dict)  # newly escalated flags per day

    @property
    def total_created(self) -> int:
        return sum(self.created.values())

    @property
    def total_escalated(self) -> int:
        return sum(self.escalated.values())


def escalation_days() -> int:
    return max(1, int(settings.BLUEZONE_ESCALATION_DAYS))


def consecutive_runs(flags: Iterable[tuple[int, dt.date, bool]]) -> dict[tuple[int, dt.date], int]:
    """(unit_id, day) → consecutive misses ending that day, from (unit_id, day, excused) triples.

    Pure. Campaign days are consecutive calendar days, so "yesterday's flag"
    is the previous campaign day's flag; a day without a flag (an on-time
    report) or with an excused flag ends the run.
    """
    runs: dict[tuple[int, dt.date], int] = {}
    for unit_id, day, excused in sorted(flags, key=lambda f: (f[0], f[1])):
        if excused:
            runs[(unit_id, day)] = 0
            continue
        runs[(unit_id, day)] = runs.get((unit_id, day - dt.timedelta(days=1)), 0) + 1
    return runs


def close_grace() -> dt.timedelta:
    return dt.timedelta(seconds=settings.BLUEZONE_CLOSE_GRACE_SECONDS)


def days_to_close(*, campaign: Campaign, now: dt.datetime, day: dt.date | None = None) -> list[dt.date]:
    """The campaign days that may be closed at `now` (or just `day`, refused if it cannot be closed).

    A day may be closed once its deadline plus the grace has passed (reporting.watch.day_lock says why).
    """
    closed = deadlines.closed_days(
        start=campaign.start_date, end=campaign.target_date, now=now,
        deadline=campaign.deadline, zone=campaign.zone, grace=close_grace(),
    )
    if day is None:
        return closed
    if not campaign.contains(day):
        raise FlagDayRefused(_("Ngày %(day)s nằm ngoài chiến dịch (%(start)s – %(end)s).") % {
            "day": date_format(day, "d/m/Y"), "start": date_format(campaign.start_date, "d/m/Y"),
            "end": date_format(campaign.target_date, "d/m/Y"),
        })
    if day not in closed:
        due = deadlines.close_at(day=day, deadline=campaign.deadline, zone=campaign.zone, grace=close_grace())
        raise FlagDayRefused(_("Ngày %(day)s chỉ được chốt từ %(due)s (hạn báo cáo cộng thời gian chờ các báo cáo đang gửi); chưa thể ghi nhận trễ hạn.") % {
            "day": date_format(day, "d/m/Y"),
            "due": date_format(timezone.localtime(due, campaign.zone), "H:i:s d/m/Y"),
        })
    return [day]


def missed_deadlines_flag(
    *, now: dt.datetime | None = None, campaign: Campaign | None = None, day: dt.date | None = None,
    recheck: bool = False,
) -> FlagRun:
    """Flag the campaign days whose deadline has passed and escalate repeat offenders.

    Each day is closed once: the days already closed (ClosedDay) are skipped,
    so a tick after 15:00 examines the day that just closed (or the days a
    stopped scheduler missed) and every other tick examines nothing. `day`
    (only that day) or `recheck` (every day past its deadline) examine again,
    closed or not: what the management command does.

    A constant number of queries whatever the number of units and days: the
    closed days, one INSERT ... SELECT for all flags, one read of the flags
    the runs need, one UPDATE for the escalations, one INSERT closing the days.
    """
    now = now or timezone.now()
    campaign = campaign or campaign_current()
    run = FlagRun(now=now)
    if campaign is None:
        return run
    run.campaign_id = campaign.pk
    run.days = days_to_close(campaign=campaign, now=now, day=day)
    incremental = day is None and not recheck
    if incremental and run.days:
        closed = set(ClosedDay.objects.filter(campaign=campaign).values_list("date", flat=True))
        run.days = [d for d in run.days if d not in closed]
    if not run.days:
        return run
    root_path = Unit.objects.filter(pk=campaign.root_id).values_list("path", flat=True).get()
    with transaction.atomic():
        # Wait for the saves of these days that could still be on time, then judge with them committed.
        day_close_lock(days=run.days)
        for _unit_id, flagged_day in _insert_missing(campaign=campaign, root_path=root_path, days=run.days, now=now):
            run.created[flagged_day] = run.created.get(flagged_day, 0) + 1
        run.escalated = _escalate(campaign=campaign, days=run.days, only_these=incremental)
        ClosedDay.objects.bulk_create(
            [ClosedDay(campaign=campaign, date=d, closed_at=now) for d in run.days], ignore_conflicts=True,
        )
    if run.total_created or run.total_escalated:
        logger.info("flagging: campaign %s, %s new flag(s) by day %s, %s escalated",
                    campaign.pk, run.total_created, {d.isoformat(): n for d, n in sorted(run.created.items())},
                    run.total_escalated)
    return run


def _insert_missing(
    *, campaign: Campaign, root_path: str, days: list[dt.date], now: dt.datetime,
) -> list[tuple[int, dt.date]]:
    """One statement: insert the missing flags, skip existing ones, return what was inserted."""
    qn = connection.ops.quote_name
    flags, units, reports = (qn(m._meta.db_table) for m in (MissedDeadline, Unit, DailyReport))
    days_from, days_param = days_source(days)
    sql = f"""
        INSERT INTO {flags} (campaign_id, unit_id, date, flagged_at, excused, excuse_reason, escalated)
        SELECT %s, u.id, d.day, %s, %s, '', %s
        FROM {units} u CROSS JOIN ({days_from}) d
        WHERE u.active = %s AND u.must_report = %s AND substr(u.path, 1, %s) = %s
          AND NOT EXISTS (
            SELECT 1 FROM {reports} r WHERE r.unit_id = u.id AND r.date = d.day AND r.on_time = %s
          )
        ON CONFLICT (unit_id, date) DO NOTHING
        RETURNING unit_id, date
    """  # noqa: S608 — table names come from model metadata, every value is a parameter
    params = [
        campaign.pk, connection.ops.adapt_datetimefield_value(now), False, False,
        days_param, True, True, len(root_path), root_path, True,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [(unit_id, date_from_db(day)) for unit_id, day in rows]


def _escalate(*, campaign: Campaign, days: list[dt.date], only_these: bool) -> dict[dt.date, int]:
    """Mark the flags whose run of misses reached N as escalated; returns new escalations per day.

    `only_these`: just the flags of `days` (a tick closing new days), for which
    the N - 1 days before them are enough to read; otherwise every flag up to
    the last of `days`.
    """
    n = escalation_days()
    flags = MissedDeadline.objects.filter(campaign=campaign, date__lte=max(days))
    if only_these:
        flags = flags.filter(date__gte=min(days) - dt.timedelta(days=n - 1))
    rows = list(flags.values_list("pk", "unit_id", "date", "excused", "escalated"))
    runs = consecutive_runs((unit_id, day, excused) for _pk, unit_id, day, excused, _esc in rows)
    wanted = set(days) if only_these else None
    to_escalate = [
        (pk, day) for pk, unit_id, day, excused, escalated in rows
        if not escalated and not excused and runs[(unit_id, day)] >= n and (wanted is None or day in wanted)
    ]
    if not to_escalate:
        return {}
    MissedDeadline.objects.filter(pk__in=[pk for pk, _day in to_escalate]).update(escalated=True)
    per_day: dict[dt.date, int] = {}
    for _pk, day in to_escalate:
        per_day[day] = per_day.get(day, 0) + 1
    return per_day
