"""In-process measurements for `make bench`, one subcommand per subprocess; prints one JSON object.

  setup     accounts, tokens and 16 extra communes for the HTTP load (idempotent)
  queries   flag-job queries and seconds, dashboard queries (overview page and /api/v1/progress/)
  export    seconds and peak memory of the national Excel workbook
  sql       the raw-SQL baselines for /api/v1/progress/ (LATERAL and DISTINCT ON), timed
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bluezone_portal.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from reporting.campaigns import campaign_current, campaign_deadline_at  # noqa: E402
from reporting.watch.flagging import missed_deadlines_flag  # noqa: E402
from units.models import Role, Unit, User  # noqa: E402

# The throughput rounds use 16 writers; the rush (issue 17) BENCH_RUSH_WRITERS of them, 16 by default.
PUT_CLIENTS = max(16, int(os.environ.get("BENCH_RUSH_WRITERS", "16")))
LEAF_KINDS = ("ward", "township", "commune")
POPULATION = 1_000_000

# The baselines: the same aggregate as /api/v1/progress/'s districts (installed and fresh leaves per district,
# every active leaf's latest report on or before the day), straight from the report table.
LATERAL_SQL = """
SELECT l.parent_id AS district_id,
       SUM(r.residents_installed) AS installed,
       COUNT(*) FILTER (WHERE r.date = %(day)s) AS fresh_leaves
FROM units_unit l
CROSS JOIN LATERAL (
    SELECT r.residents_installed, r.date
    FROM reporting_dailyreport r
    WHERE r.unit_id = l.id AND r.date <= %(day)s
    ORDER BY r.date DESC
    LIMIT 1
) r
WHERE l.kind IN ('ward', 'township', 'commune') AND l.active AND l.path LIKE %(prefix)s
GROUP BY l.parent_id
""".strip()

DISTINCT_ON_SQL = """
SELECT l.parent_id AS district_id,
       SUM(x.residents_installed) AS installed,
       COUNT(*) FILTER (WHERE x.date = %(day)s) AS fresh_leaves
FROM (
    SELECT DISTINCT ON (r.unit_id) r.unit_id, r.date, r.residents_installed
    FROM reporting_dailyreport r
    WHERE r.date <= %(day)s
    ORDER BY r.unit_id, r.date DESC
) x
JOIN units_unit l ON l.id = x.unit_id
WHERE l.kind IN ('ward', 'township', 'commune') AND l.active AND l.path LIKE %(prefix)s
GROUP BY l.parent_id
""".strip()


def _campaign():
    campaign = campaign_current()
    if campaign is None:
        raise SystemExit("no campaign: run generate_dataset first")
    return campaign


def _viewer() -> User:
    user = User.objects.filter(username="bench.viewer").first()
    if user is None:
        user = User.objects.create_user("bench.viewer", role=Role.VIEWER)
        user.set_unusable_password()
        user.save()
    return user


def _reviewer_cookie() -> str:
    """A logged-in reviewer's session cookie, for the rush's readers of the national overview page."""
    reviewer = User.objects.filter(username="bench.reviewer").first() or User.objects.create_user(
        "bench.reviewer", role=Role.REVIEWER)
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(reviewer)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def setup() -> dict:
    """A viewer, a reviewer's session, and reporters on new communes that have never reported
    (16, or BENCH_RUSH_WRITERS; see docs/performance.md)."""
    campaign = _campaign()
    viewer = _viewer()
    district = Unit.objects.subtree(campaign.root).districts().order_by("code").first()
    clients = []
    with transaction.atomic():
        for i in range(1, PUT_CLIENTS + 1):
            code = f"{district.code}B{i:02d}"
            unit = Unit.objects.filter(code=code).first()
            if unit is None:
                unit = Unit(code=code, name=f"Xã đo tải {i:02d}", kind="commune", parent=district,
                            population=POPULATION, staff_total=30, family_total=80)
                unit.save()
            elif unit.population != POPULATION:
                # Every save raises the figure by one: a long rush must not run past the population.
                unit.population = POPULATION
                unit.save(update_fields=["population"])
            username = f"bench.put{i:02d}"
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(username, role=Role.REPORTER, unit=unit)
                user.set_unusable_password()
                user.save()
            clients.append({"unit": code, "token": Token.objects.get_or_create(user=user)[0].key})
    return {
        "viewer_token": Token.objects.get_or_create(user=viewer)[0].key,
        "reviewer_cookie": _reviewer_cookie(),
        "root_path": campaign.root.path,
        "clients": clients,
        "progress_day": campaign.target_date.isoformat(),
        # The campaign's last day, as "today's report" in a running campaign (the progress table stops
        # at today, so such a save changes one day's rows).
        "put_day": campaign.target_date.isoformat(),
        # The first day: a correction there changes every later day's carried-forward figure.
        "first_day": campaign.start_date.isoformat(),
        "span_first": (campaign.start_date - dt.timedelta(days=1)).isoformat(),
        "span_last": campaign.target_date.isoformat(),
        "units": Unit.objects.count(),
    }


def _count(fn) -> tuple[int, float]:
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        fn()
        seconds = time.perf_counter() - started
    return len(captured.captured_queries), seconds


def queries() -> dict:
    campaign = _campaign()
    after = campaign_deadline_at(campaign=campaign, day=campaign.target_date) + dt.timedelta(hours=1)
    first_queries, first_seconds = _count(lambda: missed_deadlines_flag(campaign=campaign, now=after))
    again_queries, again_seconds = _count(lambda: missed_deadlines_flag(campaign=campaign, now=after))
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(_viewer())
    day = campaign.target_date.isoformat()
    pages = {"overview": f"/tong-quan/?date={day}", "progress_api": f"/api/v1/progress/?date={day}"}
    dashboard = {}
    for name, url in pages.items():
        assert client.get(url).status_code == 200, url  # warm: a first read may build the progress table
        with override_settings(BLUEZONE_PROGRESS_CACHE=False):  # what computing the answer takes
            count, seconds = _count(lambda url=url: _ok(client.get(url)))
        dashboard[name] = {"queries": count, "seconds": round(seconds, 3)}
    count, seconds = _count(lambda: _ok(client.get(pages["progress_api"])))
    dashboard["progress_api_cached"] = {"queries": count, "seconds": round(seconds, 3)}
    return {
        "units": Unit.objects.count(),
        "flag_job": {"queries": first_queries, "seconds": round(first_seconds, 3),
                     "rerun_queries": again_queries, "rerun_seconds": round(again_seconds, 3)},
        "dashboard": dashboard,
    }


def _ok(response) -> None:
    if response.status_code != 200:
        raise SystemExit(f"{response.status_code} {response.content[:300]!r}")


def export() -> dict:
    from reporting.excel.http import export_response

    campaign = _campaign()
    reviewer = User.objects.filter(username="bench.reviewer").first() or User.objects.create_user(
        "bench.reviewer", role=Role.REVIEWER)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    response = export_response(user=reviewer, params={"date": campaign.target_date.isoformat()})
    size = sum(len(chunk) for chunk in response.streaming_content)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(peak, 1), "rss_before_mb": round(before, 1),
            "bytes": size, "status": response.status_code}


def sql() -> dict:
    campaign = _campaign()
    params = {"day": campaign.target_date, "prefix": campaign.root.path + "%"}
    result = {}
    with connection.cursor() as cursor:
        for name, text in (("lateral", LATERAL_SQL), ("distinct_on", DISTINCT_ON_SQL)):
            times, rows = [], None
            runs = 21 if name == "lateral" else 7
            for _ in range(runs + 2):
                started = time.perf_counter()
                cursor.execute(text, params)
                rows = cursor.fetchall()
                times.append(time.perf_counter() - started)
            times = times[2:]  # the first runs read the pages into memory
            result[name] = {"median_seconds": statistics.median(times), "rows": len(rows), "sql": text}
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + LATERAL_SQL, params)
        result["lateral"]["explain"] = "\n".join(row[0] for row in cursor.fetchall())
    return result


if __name__ == "__main__":
    command = sys.argv[1]
    json.dump({"setup": setup, "queries": queries, "export": export, "sql": sql}[command](), sys.stdout,
              default=str)
