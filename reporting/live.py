"""The live boards (missing reports, province overview): a cheap conditional poll instead of a socket server.

The page carries an ETag built from the data versions PostgreSQL keeps in
the same transaction as the data — the progress version (every report and
unit change) and the board version (every flag, excuse and question change,
migration 0014) — and from everything else the page depends on: the user's
scope, the language, the address asked for, today's date and which side of
the viewed day's 15:00 (and of its close) it is. static/js/live_board.js
polls with If-None-Match and gets 304 from two one-row reads while nothing
changed. Off PostgreSQL there is no version: the page is rendered every time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from functools import wraps

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

from reporting.campaigns import campaign_current, campaign_deadline_at, campaign_default_day, campaign_today
from reporting.progress.figures import province_progress
from reporting.progress.table import progress_cached, progress_span, progress_table_enabled
from reporting.watch.compliance import ON_TIME, compliance_for_day
from units.models import Campaign
from units.paths import iso_day

LIVE_HEADER = "X-Bluezone-Live"
POLL_SECONDS = 5
# Even with no version change the page is rendered afresh this often: contacts, the watch banner and other
# things no version follows are never older than this.
REFRESH_SECONDS = 300


def data_versions(*, campaign: Campaign) -> tuple[str | None, str | None]:
    """(progress version, board version), in one query; (None, None) off PostgreSQL.

    The progress version is reporting.progress.table.progress_version() for
    the campaign's whole territory and every day: any report or unit change
    there changes it. The board version changes with every flag, excuse and
    question change (migration 0014).
    """
    if not progress_table_enabled():
        return None, None
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporting_progress_scope_version(%s, %s), (SELECT version FROM reporting_board_version)",
                       [campaign.root.path, dt.date.max])
        return cursor.fetchone()


def _sealed_version() -> str | None:
    """What figures as they stood at a deadline long past can still change with: units and flags, not reports."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporting_progress_version(), (SELECT version FROM reporting_board_version)")
        progress, board = cursor.fetchone()
    return None if progress is None or board is None else f"sealed:{progress}:{board}"


def _viewed_day(request: HttpRequest, campaign: Campaign, now: dt.datetime) -> dt.date:
    day = iso_day(request.GET.get("date"))
    return day if day is not None and campaign.contains(day) else campaign_default_day(campaign=campaign, now=now)


def live_etag(*, request: HttpRequest, now: dt.datetime | None = None) -> str | None:
    """The quoted ETag of the page `request` asks for, or None when nothing keeps a data version."""
    campaign = campaign_current()
    if campaign is None:
        return None
    progress, board = data_versions(campaign=campaign)
    if progress is None and progress_table_enabled():
        progress_span(campaign=campaign)  # the first read of the day builds or extends the table
        progress, board = data_versions(campaign=campaign)
    if progress is None or board is None:
        return None
    now = now or timezone.now()
    day = _viewed_day(request, campaign, now)
    deadline = campaign_deadline_at(campaign=campaign, day=day)
    grace = dt.timedelta(seconds=settings.BLUEZONE_CLOSE_GRACE_SECONDS)
    user = request.user
    key = (
        progress, board, user.pk, user.role, user.unit_id, user.is_active, user.is_superuser, get_language(),
        request.get_full_path(), campaign.pk, campaign_today(campaign=campaign, now=now),
        now >= deadline, now >= deadline + grace, int(time.time() // REFRESH_SECONDS),
    )
    return '"' + hashlib.sha256(repr(key).encode()).hexdigest()[:32] + '"'


def _matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    tags = [tag.strip() for tag in header.split(",")]
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


def live_board(view):
    """Serve a board page with its ETag, 304 when the poll's If-None-Match still matches.

    Put inside login_required: an anonymous poll is sent to the login page
    like any other request. A poll (header X-Bluezone-Live) renders the page
    without consuming the reader's one-time messages.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        request.live_poll = request.headers.get(LIVE_HEADER) == "1"
        etag = live_etag(request=request) if request.method in ("GET", "HEAD") else None
        request.live_etag = etag or ""
        if etag and _matches(request.headers.get("If-None-Match"), etag):
            response = HttpResponseNotModified()
            response["ETag"] = etag
        else:
            response = view(request, *args, **kwargs)
            if etag and response.status_code == 200:
                response["ETag"] = etag
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response

    return wrapped


def live_clock(
    *, campaign: Campaign, day: dt.date, user, units, reads_province: bool, now: dt.datetime | None = None,
) -> dict:
    """The countdown to `day`'s 15:00 (when it is today) and, once it has passed, the figures as they stood then.

    The frozen figures are the same snapshot as `as_at=deadline` everywhere
    else: reports saved strictly before 15:00:00, in the reader's scope
    (`units`). Like every progress figure they are cached by the data version
    (reporting.progress.table.progress_cached), so a board polled all afternoon
    computes them once per change, not once per render.
    """
    now = now or timezone.now()
    deadline = campaign_deadline_at(campaign=campaign, day=day)
    clock = {
        "day": day, "deadline": timezone.localtime(deadline, campaign.zone), "passed": now >= deadline,
        "is_today": day == campaign_today(campaign=campaign, now=now),
        "deadline_ms": int(deadline.timestamp() * 1000), "now_ms": int(now.timestamp() * 1000),
        "poll_seconds": POLL_SECONDS, "frozen": None, "left": _left(deadline - now),
    }
    if clock["passed"]:
        # Once no save can still be timed before the deadline (the close grace, longer than a proxy stamp may
        # be old), the snapshot only changes with units and flags: the reports saved after 15:00 — the late
        # rush — leave it cached (issue 17). Until then, with any report of the campaign up to that day.
        sealed = now >= deadline + dt.timedelta(seconds=settings.BLUEZONE_CLOSE_GRACE_SECONDS)
        clock["frozen"] = progress_cached(
            campaign=campaign, user=user, parts=("live-frozen", day.isoformat(), reads_province, str(units.query)),
            day=day, version=_sealed_version() if sealed and progress_table_enabled() else None,
            compute=lambda: _frozen_figures(campaign=campaign, day=day, deadline=deadline, units=units,
                                            reads_province=reads_province))
    return clock


def _left(delta: dt.timedelta) -> str:
    seconds = max(int(delta.total_seconds()), 0)
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _frozen_figures(*, campaign: Campaign, day: dt.date, deadline: dt.datetime, units, reads_province: bool) -> dict:
    counts = compliance_for_day(campaign=campaign, day=day, within=units, as_at=deadline).counts
    frozen = {
        "on_time": counts[ON_TIME], "not_on_time": sum(counts.values()) - counts[ON_TIME],
        "due": sum(counts.values()), "province": None,
    }
    if reads_province:
        frozen["province"] = province_progress(campaign=campaign, day=day, as_at=deadline).province
    return frozen
