"""The maintained progress table (issue 7) always equals rule 1 computed from the reports.

Rule 1: a territory's installs on D = the sum over its active leaves of each
leaf's latest residents figure dated on or before D — per field: a report
that leaves the figure blank still counts as the leaf reporting that day, but
keeps the figure before it (never 0). PostgreSQL keeps
reporting_progressday by triggers; these tests drive real writes (the report
service, other writers, unit changes, concurrent connections), commit them,
and compare the table — and the selectors that read it — with that definition
computed here from the report rows, and with the selectors' own
report-scanning path.
"""

from __future__ import annotations

import datetime as dt
import random
import threading

import pytest
from django.db import connection, transaction
from django.test.utils import override_settings

from reporting.intake.services import ReportRefused, report_submit
from reporting.models import DailyReport, ProgressDay, ProgressSpan, ReportRevision
from reporting.progress.figures import territory_figures
from reporting.progress.selectors import district_table, province_trend
from reporting.progress.table import progress_rows, progress_span, progress_table_forget, progress_table_rebuild
from tests.conftest import local
from units.models import LEAF_KINDS, Unit
from units.services import user_create

pytestmark = [pytest.mark.postgres]

START, END = dt.date(2020, 8, 13), dt.date(2020, 8, 30)


def rule_one(days: list[dt.date]) -> dict[tuple[int, dt.date], tuple[int, int, int, int]]:
    """(unit id, day) → (installs, leaves, leaves reporting that day, of them on time) from the definition."""
    units = list(Unit.objects.values("pk", "path", "kind", "active"))
    leaves = [u for u in units if u["active"] and u["kind"] in LEAF_KINDS]
    reports: dict[int, list[tuple[dt.date, int | None, bool]]] = {}
    for unit_id, day, residents, on_time in DailyReport.objects.order_by("date").values_list(
            "unit_id", "date", "residents_installed", "on_time"):
        reports.setdefault(unit_id, []).append((day, residents, on_time))
    expected = {}
    for unit in units:
        below = [leaf for leaf in leaves if leaf["path"].startswith(unit["path"]) and leaf["pk"] != unit["pk"]]
        if not below:
            continue
        for day in days:
            installs = fresh = on_time = 0
            for leaf in below:
                dated = [r for r in reports.get(leaf["pk"], []) if r[0] <= day]
                if dated:
                    installs += next((r[1] for r in reversed(dated) if r[1] is not None), 0)
                    fresh += dated[-1][0] == day
                    on_time += dated[-1][0] == day and dated[-1][2]
            expected[(unit["pk"], day)] = (installs, len(below), fresh, on_time)
    return expected


def table() -> dict[tuple[int, dt.date], tuple[int, int, int, int]]:
    """The maintained rows, without the all-zero rows of units no active leaf is below any more."""
    return {
        (row.unit_id, row.date): (row.residents_installed, row.leaves, row.reported_leaves, row.on_time_leaves)
        for row in ProgressDay.objects.all()
        if (row.residents_installed, row.leaves, row.reported_leaves, row.on_time_leaves) != (0, 0, 0, 0)
    }


def assert_table_is_rule_one(now: dt.datetime | None = None) -> None:
    first, last = progress_span(campaign=_campaign(), now=now)  # rebuilds if a change dropped the table
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    expected = {key: value for key, value in rule_one(days).items() if value != (0, 0, 0, 0)}
    actual = table()
    wrong = {key: (actual.get(key), value) for key, value in expected.items() if actual.get(key) != value}
    extra = {key: value for key, value in actual.items() if key not in expected}
    assert not wrong and not extra, f"{len(wrong)} wrong, {len(extra)} extra, e.g. {list(wrong.items())[:3]}"


def _campaign():
    from units.models import Campaign

    return Campaign.objects.select_related("root").get()


def selector_figures(campaign, day: dt.date, *, plain: bool):
    with override_settings(BLUEZONE_PROGRESS_TABLE=not plain):
        total, districts = territory_figures(campaign=campaign, root=campaign.root, day=day)
        rows = district_table(campaign=campaign, day=day)
        trend = province_trend(campaign=campaign, until=day)
    return (
        [(f.unit.code, f.installed, f.leaves, f.stale_leaves, f.rate, f.lagging) for f in (total, *districts)],
        [(r.unit.code, r.installed, r.change, r.rank, r.on_time_leaves, r.stale_leaves) for r in rows],
        [(p.day, p.reported_installed, p.official_installed) for p in trend],
    )


def assert_selectors_agree(campaign, days) -> None:
    for day in days:
        assert selector_figures(campaign, day, plain=False) == selector_figures(campaign, day, plain=True), day


def trend_as_known_at(campaign, until: dt.date, as_at: dt.datetime) -> list[int]:
    """Rule 1 on the revisions saved strictly before `as_at` (the 15:00 snapshot), straight from the rows:
    each date as its last revision then left it, each leaf its latest non-blank figure."""
    leaves = set(Unit.objects.filter(kind__in=LEAF_KINDS, active=True).values_list("pk", flat=True))
    known: dict[int, dict[dt.date, int | None]] = {}
    for unit_id, day, residents in ReportRevision.objects.filter(created_at__lt=as_at).order_by(
            "created_at", "number").values_list("unit_id", "date", "residents_installed"):
        known.setdefault(unit_id, {})[day] = residents
    totals = []
    for day in [d for d in campaign.days() if d <= until]:
        total = 0
        for unit_id, dated in known.items():
            figures = [d for d in dated if d <= day and dated[d] is not None]
            if unit_id in leaves and figures:
                total += dated[max(figures)]
        totals.append(total)
    return totals


@pytest.fixture
def writer(hau_giang):
    """A reporter for the whole province: may write every unit below it."""
    user, _, _ = user_create(username="toan.tinh", role="reporter", unit_code="93")
    return user


def _leaves() -> list[Unit]:
    return list(Unit.objects.filter(kind__in=LEAF_KINDS, active=True).order_by("code"))


def _submit(user, unit: Unit, day: dt.date, rng: random.Random, **values) -> None:
    """A save through the service, on time, late the same day, or days later (backdated)."""
    when = rng.choice([
        local(day.year, day.month, day.day, 9, rng.randint(0, 59)),
        local(day.year, day.month, day.day, 16, rng.randint(0, 59)),
        local(day.year, day.month, day.day, 10) + dt.timedelta(days=rng.randint(1, 4)),
    ])
    # A third of the random reports leave residents blank (rule 1: the leaf keeps its previous figure).
    values = values or {"residents_installed": None if rng.random() < 0.35 else rng.randrange(0, 3000, 7),
                        "assisted_installs": rng.randint(0, 50)}
    report_submit(user=user, unit=unit, day=day, values=values, channel="api", now=when)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_saves_corrections_and_backdated_reports_keep_the_table_equal_to_rule_one(writer, seed):
    campaign = _campaign()
    assert progress_table_rebuild(campaign=campaign)
    rng = random.Random(seed)
    leaves = _leaves()
    days = [START + dt.timedelta(days=i) for i in range(18)]
    for step in range(120):
        leaf = rng.choice(leaves[:25])  # few leaves, so that days pile up, get corrected and backfilled
        # Later days first half the time: a report for an earlier day then lands after later ones.
        day = rng.choice(days[9:] if step % 2 else days)
        _submit(writer, leaf, day, rng)
        if step % 30 == 29:
            assert_table_is_rule_one()
    assert_table_is_rule_one()
    assert_selectors_agree(campaign, [START - dt.timedelta(days=1), START, dt.date(2020, 8, 21), END])
    # The snapshot path (as_at) is computed by the database from the revisions; it too is rule 1.
    for until, as_at in ((dt.date(2020, 8, 21), local(2020, 8, 21, 15)), (END, local(2020, 8, 24, 12))):
        trend = province_trend(campaign=campaign, until=until, as_at=as_at)
        assert [p.reported_installed for p in trend] == trend_as_known_at(campaign, until, as_at)


@pytest.mark.django_db(transaction=True)
def test_several_saves_in_one_transaction_including_earlier_days_after_later_ones(writer):
    """An import saves many rows in one transaction; the table follows at its commit."""
    campaign = _campaign()
    progress_table_rebuild(campaign=campaign)
    rng = random.Random(7)
    leaves = _leaves()[:6]
    with transaction.atomic():
        for day in (dt.date(2020, 8, 25), dt.date(2020, 8, 20), dt.date(2020, 8, 22), dt.date(2020, 8, 20)):
            for leaf in leaves:
                _submit(writer, leaf, day, rng)
    assert_table_is_rule_one()


@pytest.mark.django_db(transaction=True)
def test_writes_that_bypass_the_service_are_followed_too(writer):
    """Triggers, not the service, keep the table: an UPDATE, a bulk insert and a delete in SQL."""
    campaign = _campaign()
    rng = random.Random(11)
    leaves = _leaves()
    for leaf in leaves[:5]:
        _submit(writer, leaf, dt.date(2020, 8, 18), rng, residents_installed=500)
    progress_table_rebuild(campaign=campaign)
    DailyReport.objects.filter(unit=leaves[0]).update(residents_installed=900)
    template = DailyReport.objects.get(unit=leaves[1])
    DailyReport.objects.bulk_create([
        DailyReport(campaign=campaign, unit=leaf, date=dt.date(2020, 8, 16), residents_installed=50 + i,
                    first_submitted_at=template.first_submitted_at, on_time=i % 2 == 0,
                    updated_at=template.updated_at, channel="import", revision_count=0)
        for i, leaf in enumerate(leaves[5:12])
    ])
    with connection.cursor() as cursor:  # reports are never deleted by the portal; the table copes anyway
        cursor.execute("DELETE FROM reporting_dailyreport WHERE unit_id = %s AND date = %s",
                       [leaves[6].pk, dt.date(2020, 8, 16)])
    assert_table_is_rule_one()
    assert_selectors_agree(campaign, [dt.date(2020, 8, 16), dt.date(2020, 8, 18), END])


@pytest.mark.django_db(transaction=True)
def test_unit_changes_deactivate_move_create_and_retype_leaves(writer):
    campaign = _campaign()
    rng = random.Random(5)
    leaves = _leaves()
    for i, leaf in enumerate(leaves[:30]):
        _submit(writer, leaf, START + dt.timedelta(days=i % 10), rng, residents_installed=100 + i)
    progress_table_rebuild(campaign=campaign)

    gone = leaves[0]
    Unit.objects.filter(pk=gone.pk).update(active=False)  # a queryset update, no save() signal
    assert_table_is_rule_one()
    Unit.objects.filter(pk=gone.pk).update(active=True)
    assert_table_is_rule_one()

    moved = leaves[1]
    other = Unit.objects.filter(kind__in=("city", "town", "district")).exclude(pk=moved.parent_id).first()
    moved.parent = other
    moved.save()
    assert_table_is_rule_one()

    retyped = leaves[2]
    retyped.kind = "agency"
    retyped.save()
    assert_table_is_rule_one()
    retyped.kind = "commune"
    retyped.save()

    born = Unit(code="39999", name="Xã Mới", kind="commune", parent=other, population=4000)
    born.save()
    _submit(writer, born, dt.date(2020, 8, 19), rng, residents_installed=321)
    assert_table_is_rule_one()
    assert_selectors_agree(campaign, [START, dt.date(2020, 8, 19), END])


@pytest.mark.django_db(transaction=True)
def test_a_district_whose_path_changes_drops_the_table_and_the_next_read_rebuilds_it(writer):
    campaign = _campaign()
    rng = random.Random(9)
    for leaf in _leaves()[:10]:
        _submit(writer, leaf, dt.date(2020, 8, 20), rng, residents_installed=777)
    progress_table_rebuild(campaign=campaign)
    district = Unit.objects.get(code="930")
    district.code = "930X"  # its path changes; its communes keep the old one (as subtree() then sees them)
    district.save()
    assert not ProgressSpan.objects.exists() and not ProgressDay.objects.exists()
    assert_selectors_agree(campaign, [dt.date(2020, 8, 20)])
    assert_table_is_rule_one()


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_on_many_connections_keep_the_table_exact(writer):
    """Saves for the same leaves and overlapping days at once: each commit sees the ones before it."""
    campaign = _campaign()
    progress_table_rebuild(campaign=campaign)
    leaves = _leaves()[:4]
    errors: list[str] = []
    start = threading.Barrier(8)

    def worker(n: int) -> None:
        rng = random.Random(100 + n)
        try:
            start.wait(timeout=30)
            for _ in range(12):
                _submit(writer, rng.choice(leaves), rng.choice([START + dt.timedelta(days=d) for d in range(6)]), rng)
        except Exception as exc:  # reported below, never swallowed
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == [], errors[0]
    assert_table_is_rule_one()


@pytest.mark.django_db(transaction=True)
def test_the_table_stops_at_today_and_grows_as_days_begin(writer):
    """Reports for a day that has not been read yet are counted when the table reaches that day."""
    campaign = _campaign()
    rng = random.Random(17)
    leaves = _leaves()[:8]
    for leaf in leaves[:4]:
        _submit(writer, leaf, dt.date(2020, 8, 15), rng, residents_installed=200)
    assert progress_span(campaign=campaign, now=local(2020, 8, 16, 8)) == (dt.date(2020, 8, 12), dt.date(2020, 8, 16))
    assert ProgressDay.objects.filter(date__gt=dt.date(2020, 8, 16)).count() == 0
    # Before anyone reads on the 17th and 19th: today's reports, a correction of the 16th, a new leaf's first.
    for i, leaf in enumerate(leaves):
        report_submit(user=writer, unit=leaf, day=dt.date(2020, 8, 17), values={"residents_installed": 300 + i},
                      channel="api", now=local(2020, 8, 17, 9 + i % 8))
    report_submit(user=writer, unit=leaves[0], day=dt.date(2020, 8, 16), values={"residents_installed": 250},
                  channel="api", now=local(2020, 8, 17, 10))
    report_submit(user=writer, unit=leaves[5], day=dt.date(2020, 8, 19), values={"residents_installed": 999},
                  channel="api", now=local(2020, 8, 19, 16))
    assert_table_is_rule_one(now=local(2020, 8, 17, 17))
    assert_table_is_rule_one(now=local(2020, 8, 20, 7))
    assert progress_span(campaign=campaign, now=local(2020, 8, 20, 7))[1] == dt.date(2020, 8, 20)
    assert_selectors_agree(campaign, [dt.date(2020, 8, 17)])


@pytest.mark.django_db
def test_extending_inside_a_transaction_that_wrote_the_new_day(writer):
    campaign = _campaign()
    leaf = _leaves()[0]
    assert progress_span(campaign=campaign, now=local(2020, 8, 14, 8))[1] == dt.date(2020, 8, 14)
    report_submit(user=writer, unit=leaf, day=dt.date(2020, 8, 15), values={"residents_installed": 40},
                  channel="api", now=local(2020, 8, 15, 9))
    report_submit(user=writer, unit=leaf, day=dt.date(2020, 8, 15), values={"residents_installed": 45},
                  channel="api", now=local(2020, 8, 15, 10))
    report_submit(user=writer, unit=leaf, day=dt.date(2020, 8, 14), values={"residents_installed": 30},
                  channel="api", now=local(2020, 8, 15, 11))
    assert_table_is_rule_one(now=local(2020, 8, 15, 12))


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_save_leaves_the_table_unchanged(writer):
    campaign = _campaign()
    leaf = _leaves()[0]
    rng = random.Random(3)
    _submit(writer, leaf, dt.date(2020, 8, 18), rng, residents_installed=400)
    progress_table_rebuild(campaign=campaign)
    before = table()

    class Abandon(Exception):
        pass

    with pytest.raises(Abandon), transaction.atomic():
        _submit(writer, leaf, dt.date(2020, 8, 18), rng, residents_installed=450)
        _submit(writer, leaf, dt.date(2020, 8, 15), rng, residents_installed=10)
        raise Abandon
    assert table() == before

    too_many = leaf.population + 1
    with pytest.raises(ReportRefused):
        _submit(writer, leaf, dt.date(2020, 8, 19), rng, residents_installed=too_many)
    assert table() == before
    assert_table_is_rule_one()


@pytest.mark.django_db
def test_a_transaction_reads_its_own_saves_before_it_commits(writer):
    """Inside one transaction (as every test with the `db` fixture is) the selectors see what it wrote."""
    campaign = _campaign()
    rng = random.Random(13)
    for i, leaf in enumerate(_leaves()[:12]):
        _submit(writer, leaf, dt.date(2020, 8, 14) + dt.timedelta(days=i % 5), rng)
        assert_selectors_agree(campaign, [dt.date(2020, 8, 16)])
    assert_table_is_rule_one()


@pytest.mark.django_db
def test_rows_are_refused_when_the_table_no_longer_covers_the_days(writer):
    """The span is checked in the same statement as the rows: a table dropped meanwhile is not read as zeros."""
    campaign = _campaign()
    province = Unit.objects.get(code="93")
    assert progress_span(campaign=campaign) is not None
    assert progress_rows(unit_ids=[province.pk], days=[START])[(province.pk, START)].leaves == 75
    assert progress_rows(unit_ids=[province.pk], days=[END + dt.timedelta(days=1)]) is None
    progress_table_forget()
    assert progress_rows(unit_ids=[province.pk], days=[START]) is None


@pytest.mark.django_db
def test_with_the_table_switched_off_the_selectors_read_the_reports(writer):
    with override_settings(BLUEZONE_PROGRESS_TABLE=False):
        assert progress_span(campaign=_campaign()) is None
    assert progress_span(campaign=_campaign()) == (dt.date(2020, 8, 12), END)


def _blank_scenario(writer, leaves: list[Unit], *, atomic: bool) -> None:
    """Figures, then reports that leave them blank: new, backdated between two figures, and a cleared one."""
    a, b = leaves[0], leaves[1]
    saves = [
        (a, dt.date(2020, 8, 14), {"residents_installed": 500}),
        (a, dt.date(2020, 8, 16), {"residents_installed": None, "assisted_installs": 5}),  # blank after a figure
        (b, dt.date(2020, 8, 15), {"residents_installed": 300}),
        (b, dt.date(2020, 8, 18), {"residents_installed": 400}),
        (b, dt.date(2020, 8, 18), {"residents_installed": None, "staff_installed": 2}),  # a figure cleared
        (b, dt.date(2020, 8, 20), {"residents_installed": 450}),
        (b, dt.date(2020, 8, 17), {"residents_installed": None, "assisted_installs": 1}),  # backdated blank
        (a, dt.date(2020, 8, 16), {"residents_installed": 520}),  # the blank filled in
        (a, dt.date(2020, 8, 16), {"residents_installed": None, "assisted_installs": 6}),  # and cleared again
    ]
    with transaction.atomic() if atomic else _no_block():
        for leaf, day, values in saves:
            report_submit(user=writer, unit=leaf, day=day, values=values, channel="api", now=local(2020, 8, 21, 9))


class _no_block:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("atomic", [False, True], ids=["one-statement-saves", "saves-applied-at-commit"])
def test_blank_count_keeps_previous_figure_in_the_table(writer, atomic):
    """Each path that writes the table (the save's own update, the commit-time step, a rebuild) keeps a blank's
    previous figure: Phường/xã A stays at 500 from the 14th, B at 300, then 400, then 450."""
    campaign = _campaign()
    progress_table_rebuild(campaign=campaign)
    leaves = _leaves()[:2]
    _blank_scenario(writer, leaves, atomic=atomic)
    assert_table_is_rule_one()
    province = Unit.objects.get(code="93")
    rows = progress_rows(unit_ids=[province.pk], days=[dt.date(2020, 8, d) for d in (16, 17, 18, 19, 20)])
    assert [rows[(province.pk, dt.date(2020, 8, d))].residents_installed for d in (16, 17, 18, 19, 20)] == [
        800, 800, 800, 800, 950]
    progress_table_rebuild(campaign=campaign)
    assert_table_is_rule_one()
    assert_selectors_agree(campaign, [dt.date(2020, 8, 16), dt.date(2020, 8, 18), dt.date(2020, 8, 20)])


def _install(sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("function", ["reporting_progress_series", "reporting_progress_rebuild",
                                      "reporting_progress_apply_save"])
def test_the_comparison_catches_a_function_that_reads_a_blank_as_zero(writer, function):
    """Mutation check of the tests above: with any one of the three functions back at its old text (a blank
    read as 0, migrations 0003 and 0005), the comparison with the per-field definition fails."""
    from reporting.migrations._sql import function_sql, migration_sql

    old = function_sql(migration_sql(
        "0005_report_save_function" if function == "reporting_progress_apply_save" else "0003_perf_progress_table"),
        function)
    current = function_sql(migration_sql("0011_blank_keeps_previous_figure"), function)
    campaign = _campaign()
    leaves = _leaves()[:2]
    try:
        if function == "reporting_progress_rebuild":
            _blank_scenario(writer, leaves, atomic=False)
            _install(old)
            progress_table_rebuild(campaign=campaign)
        else:
            progress_table_rebuild(campaign=campaign)
            _install(old)
            # The series is read at commit (several saves in one transaction); apply_save by a save of its own.
            _blank_scenario(writer, leaves, atomic=function == "reporting_progress_series")
        with pytest.raises(AssertionError, match="wrong"):
            assert_table_is_rule_one()
    finally:
        _install(current)
    progress_table_rebuild(campaign=campaign)
    assert_table_is_rule_one()
