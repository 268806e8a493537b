"""Rule 1: territories are summed from their leaves, carrying each leaf's latest report forward."""

from __future__ import annotations

import datetime as dt
import math
import random

import pytest
import time_machine

from reporting.campaigns import campaign_deadline_at
from reporting.intake.services import report_submit
from reporting.models import DailyReport, ReportRevision
from reporting.progress.figures import latest_values, province_progress, territory_figures
from tests.conftest import local, unit
from units.models import Unit

AUG19, AUG20, AUG21, AUG22 = (dt.date(2020, 8, d) for d in (19, 20, 21, 22))
VI_THANH_LEAVES = 9


def submit(user, code: str, day: dt.date, at: dt.datetime, **values):
    with time_machine.travel(at, tick=False):
        return report_submit(user=user, unit=unit(code), day=day, values=values).report


def district(figures, code: str):
    return next(f for f in figures if f.unit.code == code)


@pytest.fixture
def vi_thanh(campaign, lan, hoa, minh):
    """Phường I reports on 20 and 22 Aug; Xã Vị Tân on 21 Aug; the other 7 communes never."""
    submit(lan, "31318", AUG20, local(2020, 8, 20, 10), residents_installed=1000)
    submit(hoa, "31333", AUG21, local(2020, 8, 21, 10), residents_installed=2000)
    submit(lan, "31318", AUG22, local(2020, 8, 22, 10), residents_installed=1500)
    return Unit.objects.get(code="930")


def test_a_leaf_that_never_reported_counts_zero(campaign, vi_thanh):
    total, _ = territory_figures(campaign=campaign, root=vi_thanh, day=AUG19)
    assert (total.installed, total.leaves, total.stale_leaves) == (0, VI_THANH_LEAVES, VI_THANH_LEAVES)


def test_a_leaf_counts_its_latest_report_on_or_before_the_day(campaign, vi_thanh):
    on = {day: territory_figures(campaign=campaign, root=vi_thanh, day=day)[0].installed
          for day in (AUG20, AUG21, AUG22)}
    # 21 Aug carries Phường I's 20 Aug figure forward; 20 Aug ignores Vị Tân's later report.
    assert on == {AUG20: 1000, AUG21: 3000, AUG22: 3500}


def test_stale_leaves_are_those_without_a_report_dated_that_day(campaign, vi_thanh):
    total, _ = territory_figures(campaign=campaign, root=vi_thanh, day=AUG21)
    assert total.stale_leaves == VI_THANH_LEAVES - 1  # only Vị Tân reported on the 21st
    total, _ = territory_figures(campaign=campaign, root=vi_thanh, day=AUG22)
    assert total.stale_leaves == VI_THANH_LEAVES - 1  # Phường I fresh, Vị Tân carried forward


def test_latest_values_per_unit(campaign, vi_thanh):
    latest = latest_values(units=Unit.objects.filter(code__in=["31318", "31333", "31321"]), day=AUG21)
    assert latest[unit("31318").pk].date == AUG20 and latest[unit("31318").pk].residents_installed == 1000
    assert latest[unit("31333").pk].date == AUG21
    assert unit("31321").pk not in latest


def test_district_rate_is_on_its_census_population_not_the_sum_of_communes(campaign, vi_thanh):
    communes = sum(u.population or 0 for u in Unit.objects.subtree(vi_thanh).leaves())
    assert communes == 73_376 != vi_thanh.population == 73_322
    progress = province_progress(campaign=campaign, day=AUG21)
    figures = district(progress.districts, "930")
    assert figures.installed == 3000 and figures.population == 73_322
    assert figures.rate == pytest.approx(3000 / 73_322)


def test_districts_are_never_typed_only_computed(campaign, vi_thanh, minh):
    # A district's own report (staff only) does not add to its residents.
    submit(minh, "930", AUG21, local(2020, 8, 21, 11), staff_installed=40)
    figures = district(province_progress(campaign=campaign, day=AUG21).districts, "930")
    assert figures.installed == 3000


def test_province_shows_official_and_reported_side_by_side(campaign, vi_thanh, tuan, thao):
    submit(tuan, "31340", AUG21, local(2020, 8, 21, 9), residents_installed=700)
    submit(thao, "93", AUG21, local(2020, 8, 21, 14), residents_installed=150_000)
    progress = province_progress(campaign=campaign, day=AUG21)
    assert progress.province.installed == 3700
    assert progress.province.population == 733_017
    assert progress.province.rate == pytest.approx(3700 / 733_017)
    assert progress.official_installed == 150_000 and progress.official_date == AUG21
    assert progress.official_rate == pytest.approx(150_000 / 733_017)
    ngabay = district(progress.districts, "931")
    assert ngabay.installed == 700 and ngabay.rate == pytest.approx(700 / 56_182)


def test_the_official_figure_carries_forward_too(campaign, thao):
    submit(thao, "93", AUG20, local(2020, 8, 20, 14), residents_installed=120_000)
    progress = province_progress(campaign=campaign, day=AUG22)
    assert (progress.official_installed, progress.official_date) == (120_000, AUG20)


def test_province_without_any_report(campaign):
    progress = province_progress(campaign=campaign, day=AUG21)
    assert progress.official_installed is None and progress.official_rate is None
    assert progress.province.installed == 0
    assert progress.province.stale_leaves == progress.province.leaves > 70


def test_targets_on_the_province(campaign, vi_thanh):
    progress = province_progress(campaign=campaign, day=AUG21)
    assert progress.target_rate == pytest.approx(0.30)
    assert progress.days_left == 9
    assert progress.required_daily == math.ceil((219_906 - 3000) / 9)
    assert progress.province.lagging is True
    assert progress.trajectory_rate == pytest.approx(55_289 / 733_017 + (0.30 - 55_289 / 733_017) * 8 / 17)


# ------------------------------------------------------------ as_at: the figures as they stood at 15:00

def test_a_correction_after_15h_does_not_change_the_figures_as_at_the_deadline(campaign, lan, thao):
    submit(lan, "31318", AUG21, local(2020, 8, 21, 14), residents_installed=1000)
    submit(thao, "93", AUG21, local(2020, 8, 21, 14, 30), residents_installed=150_000)
    submit(lan, "31318", AUG21, local(2020, 8, 21, 16), residents_installed=1200)
    submit(thao, "93", AUG21, local(2020, 8, 21, 17), residents_installed=160_000)
    deadline = campaign_deadline_at(campaign=campaign, day=AUG21)

    at_deadline = province_progress(campaign=campaign, day=AUG21, as_at=deadline)
    now = province_progress(campaign=campaign, day=AUG21)
    assert (at_deadline.province.installed, at_deadline.official_installed) == (1000, 150_000)
    assert (now.province.installed, now.official_installed) == (1200, 160_000)


def test_a_late_first_report_is_not_in_the_deadline_snapshot_the_previous_day_is(campaign, lan):
    submit(lan, "31318", AUG20, local(2020, 8, 20, 14), residents_installed=900)
    submit(lan, "31318", AUG21, local(2020, 8, 21, 15, 0, 0), residents_installed=1000)
    deadline = campaign_deadline_at(campaign=campaign, day=AUG21)
    total, _ = territory_figures(campaign=campaign, root=unit("930"), day=AUG21, as_at=deadline)
    assert total.installed == 900 and total.stale_leaves == VI_THANH_LEAVES
    total, _ = territory_figures(campaign=campaign, root=unit("930"), day=AUG21)
    assert total.installed == 1000 and total.stale_leaves == VI_THANH_LEAVES - 1


def test_a_save_at_14_59_59_is_in_the_deadline_snapshot(campaign, lan):
    submit(lan, "31318", AUG21, local(2020, 8, 21, 14, 59, 59), residents_installed=1000)
    deadline = campaign_deadline_at(campaign=campaign, day=AUG21)
    total, _ = territory_figures(campaign=campaign, root=unit("930"), day=AUG21, as_at=deadline)
    assert total.installed == 1000 and total.stale_leaves == VI_THANH_LEAVES - 1


def test_the_snapshot_is_reproducible_days_later(campaign, lan):
    submit(lan, "31318", AUG21, local(2020, 8, 21, 14, 59, 59), residents_installed=1000)
    deadline = campaign_deadline_at(campaign=campaign, day=AUG21)
    before = territory_figures(campaign=campaign, root=unit("930"), day=AUG21, as_at=deadline)[0].installed
    submit(lan, "31318", AUG21, local(2020, 8, 25, 9), residents_installed=5000)
    after = territory_figures(campaign=campaign, root=unit("930"), day=AUG21, as_at=deadline)[0].installed
    assert before == after == 1000


@pytest.mark.django_db
def test_a_report_first_saved_at_1500_is_outside_the_1500_snapshot_everywhere(lan):
    """Numbers and compliance agree at the boundary: 15:00:00 is late and not yet known at 15:00."""
    from reporting.campaigns import campaign_current
    from reporting.watch.compliance import LATE, MISSING, compliance_statuses

    day = dt.date(2020, 8, 20)
    with time_machine.travel(local(2020, 8, 20, 15, 0, 0), tick=False):
        report_submit(user=lan, unit=unit("31318"), day=day, values={"residents_installed": 700})
    campaign = campaign_current()
    deadline = local(2020, 8, 20, 15, 0, 0)
    units = Unit.objects.filter(code="31318")
    at_deadline = compliance_statuses(campaign=campaign, units=units, days=[day], as_at=deadline)
    later = compliance_statuses(campaign=campaign, units=units, days=[day], now=local(2020, 8, 20, 16, 0))
    pk = units.get().pk
    assert at_deadline[(pk, day)] == MISSING
    assert later[(pk, day)] == LATE
    assert latest_values(units=units, day=day, as_at=deadline) == {}


def _latest_one_by_one(units, day, as_at) -> dict[int, tuple]:
    """latest_values by its definition, unit by unit: the latest report's date, each count its latest non-blank."""
    found = {}
    for u in units:
        if as_at is None:
            rows = list(DailyReport.objects.filter(unit=u, date__lte=day).order_by("date"))
        else:
            by_date = {}  # each date as it stood at `as_at`: its last revision saved before then
            for revision in ReportRevision.objects.filter(unit=u, date__lte=day, created_at__lt=as_at).order_by(
                    "created_at", "number"):
                by_date[revision.date] = revision
            rows = [by_date[d] for d in sorted(by_date)]
        if rows:
            counts = [next((getattr(r, name) for r in reversed(rows) if getattr(r, name) is not None), None)
                      for name in ("residents_installed", "staff_installed", "family_installed", "assisted_installs")]
            found[u.pk] = (rows[-1].date, *counts)
    return found


def test_latest_values_equal_one_lookup_per_unit_on_random_reports(campaign, lan, hoa, minh):
    """The one-query form (on PostgreSQL `pk = ANY (ARRAY(…))`) against its definition, live and at 15:00,
    with blank counts that keep each count's previous figure (rule 1, per field)."""
    rng = random.Random(11)
    writers = [(lan, "31318"), (hoa, "31333"), (minh, "31321"), (minh, "930")]
    for _ in range(40):
        user, code = rng.choice(writers)
        day = AUG19 + dt.timedelta(days=rng.randrange(4))
        values = {"staff_installed": rng.choice([None, rng.randrange(0, 40)]),
                  "assisted_installs": rng.choice([None, rng.randrange(9)])}
        if code != "930":
            values["residents_installed"] = rng.choice([None, rng.randrange(0, 3000)])
        if all(v is None for v in values.values()):
            values["assisted_installs"] = 1  # an all-blank report is refused
        submit(user, code, day, local(day.year, day.month, day.day, rng.choice([9, 14, 15, 16]), rng.randrange(60)),
               **values)
    units = Unit.objects.filter(code__in=["31318", "31333", "31321", "31324", "930"])
    for day in (AUG19, AUG20, AUG21, AUG22):
        for as_at in (None, campaign_deadline_at(campaign=campaign, day=day)):
            got = {pk: (v.date, v.residents_installed, v.staff_installed, v.family_installed, v.assisted_installs)
                   for pk, v in latest_values(units=units, day=day, as_at=as_at).items()}
            assert got == _latest_one_by_one(units, day, as_at), (day, as_at)
    assert latest_values(units=units, day=AUG22), "the probes find reports"
