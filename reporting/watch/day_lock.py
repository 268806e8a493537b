"""Saves of day D that could be on time come before the closing of D (docs/design.md, rule 2).

The verdict "missed the 15:00 deadline" must never fall on a unit whose
report reached the portal before 15:00, whichever process wins the race at
15:00:00. Two things make it so:

* **A grace before closing.** D is closed (its missed deadlines flagged) only
  at D 15:00 + settings.BLUEZONE_CLOSE_GRACE_SECONDS, longer than the delay
  between a request's arrival and its write that the portal believes
  (BLUEZONE_ARRIVAL_MAX_AGE_SECONDS, see units.arrival). A report that
  arrived at 14:59:59.9 behind a queue is therefore written before D closes.
* **A lock per day.** A save that would be on time holds D's lock *shared*
  until it commits; closing D takes it *exclusively*, so the close waits for
  every such save still writing (an import of 75 rows, a slow transaction)
  and then sees them. A save that only gets the lock after D was closed has
  exceeded every bound: it is written as received now, i.e. late, and
  outside the 15:00 snapshot, so the closed day's flags and snapshot never
  change.

On PostgreSQL these are transaction-level advisory locks; the one-statement
save takes its share inside reporting_report_save_judged() (migration 0009).
SQLite serialises every writer already, so only the closed-day check is needed.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from reporting.models import ClosedDay

# Two-key advisory locks: 1748 is the progress table's per-unit lock (migration 0003); 1749 is a day.
DAY_LOCK_CLASS = 1749
_EPOCH = dt.date(2000, 1, 1)


def day_lock_key(day: dt.date) -> int:
    """The second key of `day`'s lock; the same number migration 0009 computes (p_date - DATE '2000-01-01')."""
    return (day - _EPOCH).days


def day_save_lock(*, day: dt.date) -> None:
    """Hold `day`'s lock shared until the current transaction ends (a save that could be on time)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", [DAY_LOCK_CLASS, day_lock_key(day)])


def day_close_lock(*, days: list[dt.date]) -> None:
    """Take the days' locks exclusively until the current transaction ends, in date order (no deadlock)."""
    if connection.vendor != "postgresql" or not days:
        return
    # One statement whatever the number of days (a scheduler that was down closes several at once).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, k) FROM (SELECT k FROM unnest(%s::int[]) AS k ORDER BY k) AS keys",
            [DAY_LOCK_CLASS, sorted({day_lock_key(day) for day in days})],
        )


def day_is_closed(*, campaign_id: int, day: dt.date) -> bool:
    return ClosedDay.objects.filter(campaign_id=campaign_id, date=day).exists()
