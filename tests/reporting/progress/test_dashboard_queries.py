"""Every dashboard page and /api/v1/progress/ makes as many queries for ~10 units as for ~1,000.

The tree is synthetic (bulk_create), so that it can grow from 11 units to
more than 1,000 — more districts, more communes in the drilled-down district,
more agencies, three days of reports each — between two measurements.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting.models import DailyReport, MissedDeadline, ReportRevision
from tests.conftest import local
from units.models import Campaign, Role, Unit, User

DAYS = [dt.date(2020, 8, d) for d in (18, 19, 20)]
DAY = "date=2020-08-20"


def _unit(code: str, kind: str, parent: Unit | None, **fields) -> Unit:
    return Unit(code=code, name=f"Đơn vị {code}", kind=kind, parent=parent,
                path=(parent.path if parent else "") + f"{code}/", **fields)


def _reports(campaign: Campaign, units: list[Unit]) -> None:
    """Three mornings of reports and their revisions for each unit; one 16:00 correction each."""
    reports = []
    for unit in units:
        for i, day in enumerate(DAYS):
            at = local(day.year, day.month, day.day, 9, 0)
            values = ({"residents_installed": 500 + 100 * i + len(unit.code)} if unit.kind == "commune"
                      else {"staff_installed": 50 + i, "family_installed": 100 + i})
            reports.append(DailyReport(campaign=campaign, unit=unit, date=day, first_submitted_at=at, on_time=True,
                                       updated_at=at, channel="web", revision_count=1, **values))
    reports = DailyReport.objects.bulk_create(reports)
    revisions = [
        ReportRevision(report=r, unit=r.unit, date=r.date, number=1, created_at=r.first_submitted_at, channel="web",
                       residents_installed=r.residents_installed, staff_installed=r.staff_installed,
                       family_installed=r.family_installed)
        for r in reports
    ]
    revisions += [
        ReportRevision(report=r, unit=r.unit, date=r.date, number=2, created_at=local(2020, 8, 20, 16, 0),
                       channel="web", residents_installed=(r.residents_installed or 0) + 7,
                       staff_installed=r.staff_installed, family_installed=r.family_installed)
        for r in reports if r.date == DAYS[-1]
    ]
    ReportRevision.objects.bulk_create(revisions)
    MissedDeadline.objects.bulk_create([
        MissedDeadline(campaign=campaign, unit=unit, date=DAYS[0] - dt.timedelta(days=1),
                       flagged_at=local(2020, 8, 17, 15, 0), excused=True, excused_at=local(2020, 8, 17, 16, 0))
        for unit in units[::5]
    ])


def _grow(campaign: Campaign, *, prefix: str, districts: int, communes: int, agencies: int,
          extra_in: Unit | None = None, extra: int = 0) -> None:
    root = campaign.root
    new_districts = Unit.objects.bulk_create([
        _unit(f"{prefix}D{i}", "district", root, population=60_000 + i) for i in range(districts)
    ])
    leaves = [
        # Every fourth commune has no public population: the "chưa có số liệu dân số" path.
        _unit(f"{d.code}C{j}", "commune", d, population=None if j % 4 == 3 else 5_000 + j)
        for d in new_districts for j in range(communes)
    ]
    if extra_in is not None:
        leaves += [_unit(f"{prefix}X{j}", "commune", extra_in, population=4_000 + j) for j in range(extra)]
    leaves = Unit.objects.bulk_create(leaves)
    staffed = Unit.objects.bulk_create([
        _unit(f"{prefix}A{i}", "agency", root, staff_total=100 + i, family_total=300 + i, group="department")
        for i in range(agencies)
    ])
    _reports(campaign, leaves + staffed)


@pytest.fixture
def tree(db):
    province = Unit.objects.create(code="80", name="Tỉnh Thử", kind="province", population=700_000,
                                   must_report=False)
    campaign = Campaign.objects.create(
        name="Thử", root=province, start_date=dt.date(2020, 8, 13), target_date=dt.date(2020, 8, 30),
        population_target_rate=Decimal("0.30"), staff_target_rate=Decimal("1.00"), deadline=dt.time(15, 0),
        baseline_date=dt.date(2020, 8, 13), baseline_installed=50_000, baseline_population=700_000,
    )
    _grow(campaign, prefix="S", districts=2, communes=3, agencies=2)
    district = Unit.objects.get(code="SD0")
    users = {
        "reviewer": User.objects.create_user("reviewer", role=Role.REVIEWER),
        "district": User.objects.create_user("district", role=Role.REPORTER, unit=district),
        "commune": User.objects.create_user("commune", role=Role.REPORTER, unit=Unit.objects.get(code="SD0C0")),
        "agency": User.objects.create_user("agency", role=Role.REPORTER, unit=Unit.objects.get(code="SA0")),
    }
    return campaign, district, users


PAGES = {
    "reviewer": [
        f"/tong-quan/?{DAY}", f"/tong-quan/?{DAY}&as_at=deadline", f"/tong-quan/huyen/SD0/?{DAY}",
        f"/tong-quan/huyen/SD0/?{DAY}&as_at=deadline", f"/tong-quan/co-quan/?{DAY}",
        f"/tong-quan/co-quan/?{DAY}&as_at=deadline", f"/tong-quan/tuan-thu/?{DAY}",
        f"/tong-quan/tuan-thu/?{DAY}&as_at=deadline", f"/tong-quan/tuan-thu/?{DAY}&unit=SD0",
        f"/tong-quan/tuan-thu/?{DAY}&unit=agencies", f"/tong-quan/cham-tien-do/?{DAY}",
        f"/tong-quan/cham-tien-do/?{DAY}&as_at=deadline", f"/cong-khai/?{DAY}",
        f"/api/v1/progress/?{DAY}", f"/api/v1/progress/?{DAY}&as_at=deadline",
    ],
    "district": [
        f"/tong-quan/huyen/SD0/?{DAY}", f"/tong-quan/co-quan/?{DAY}", f"/tong-quan/tuan-thu/?{DAY}",
        f"/tong-quan/cham-tien-do/?{DAY}", f"/api/v1/progress/?{DAY}",
    ],
    "commune": [f"/tong-quan/huyen/SD0/?{DAY}", f"/tong-quan/tuan-thu/?{DAY}", f"/api/v1/progress/?{DAY}"],
    "agency": [f"/tong-quan/co-quan/?{DAY}", f"/api/v1/progress/?{DAY}"],
    None: [f"/cong-khai/?{DAY}", f"/cong-khai/?{DAY}&as_at=deadline"],
}


def _measure(client, users) -> dict[tuple[str | None, str], int]:
    counts = {}
    for who, urls in PAGES.items():
        client.logout()
        if who is not None:
            client.force_login(users[who])
        for url in urls:
            assert client.get(url).status_code == 200, (who, url)  # warm: the session's first save
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, (who, url)
            counts[(who, url)] = len(queries)
    return counts


def test_dashboards_make_as_many_queries_for_1000_units_as_for_10(client, tree):
    campaign, district, users = tree
    with time_machine.travel(local(2020, 8, 21, 9, 0), tick=False):
        assert Unit.objects.count() == 11
        small = _measure(client, users)
        _grow(campaign, prefix="L", districts=8, communes=110, agencies=40, extra_in=district, extra=100)
        assert Unit.objects.count() >= 1_000
        large = _measure(client, users)
    assert large == small
    # And few in absolute terms: the campaign's whole trend is read in one go, not day by day
    # (DIC's pages read the deadline watch's heartbeat too: one query).
    assert max(small.values()) <= 26, small
