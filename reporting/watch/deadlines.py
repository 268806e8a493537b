"""The daily deadline rule (docs/design.md, rule 2), pure: no database, no clock.

The deadline is computed in the campaign's local zone, then compared in UTC,
so 23:30 UTC on the 12th is already the 13th in Hau Giang (UTC+7).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def local_date(*, at: dt.datetime, zone: ZoneInfo) -> dt.date:
    """The calendar date in `zone` at the aware instant `at`."""
    if at.tzinfo is None:
        raise ValueError("an aware datetime is required")
    return at.astimezone(zone).date()


def deadline_at(*, day: dt.date, deadline: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The aware UTC instant at which `day`'s report falls due."""
    return dt.datetime.combine(day, deadline, tzinfo=zone).astimezone(dt.UTC)


def is_on_time(*, submitted_at: dt.datetime, day: dt.date, deadline: dt.time, zone: ZoneInfo) -> bool:
    """On time means strictly before the deadline: 14:59:59 is on time, 15:00:00 is late."""
    return submitted_at < deadline_at(day=day, deadline=deadline, zone=zone)


def close_at(*, day: dt.date, deadline: dt.time, zone: ZoneInfo, grace: dt.timedelta) -> dt.datetime:
    """When `day` may be closed (its missed deadlines flagged): the deadline plus `grace`.

    A report is timed by when it reached the portal, but it is written a
    little later (a queue at the proxy, a busy worker, a long import). The
    grace is the longest such delay the portal believes (settings
    BLUEZONE_ARRIVAL_MAX_AGE_SECONDS plus the time a save may take), so every
    save that could still be on time has reached the database before its day
    is closed; the day lock (reporting.watch.day_lock) waits for those still writing.
    """
    return deadline_at(day=day, deadline=deadline, zone=zone) + grace


def closed_days(
    *, start: dt.date, end: dt.date, now: dt.datetime, deadline: dt.time, zone: ZoneInfo,
    grace: dt.timedelta = dt.timedelta(0),
) -> list[dt.date]:
    """Days between start and end (inclusive) that may be closed at `now` (deadline + grace passed)."""
    days = []
    day = start
    while day <= end and close_at(day=day, deadline=deadline, zone=zone, grace=grace) <= now:
        days.append(day)
        day += dt.timedelta(days=1)
    return days


def time_left(*, now: dt.datetime, day: dt.date, deadline: dt.time, zone: ZoneInfo) -> dt.timedelta:
    """Time until the deadline; zero or negative once it has passed."""
    return deadline_at(day=day, deadline=deadline, zone=zone) - now
