"""The fixed-query trend and lagging reads give exactly what the per-day / per-district reads give."""

from __future__ import annotations

import datetime as dt

from reporting.campaigns import campaign_deadline_at
from reporting.progress.figures import latest_values, province_progress
from reporting.progress.selectors import commune_table, district_table, lagging_units, province_trend
from tests.conftest import local
from tests.reporting import dashboard_support
from tests.reporting.dashboard_support import D18, D19, D20, PHUONG_I_AT_15H, submit
from units.models import Unit

history = dashboard_support.history


def _as_tuple(progress):
    return (progress.province.installed, progress.province.rate, progress.official_installed,
            progress.official_rate, progress.trajectory_rate)


def test_trend_points_equal_province_progress_of_each_day(history):
    snapshot = campaign_deadline_at(campaign=history, day=D20)
    for as_at in (None, snapshot):
        trend = province_trend(campaign=history, until=D20, as_at=as_at)
        assert [p.day for p in trend] == [d for d in history.days() if d <= D20]
        for point in trend:
            expected = _as_tuple(province_progress(campaign=history, day=point.day, as_at=as_at))
            assert (point.reported_installed, point.reported_rate, point.official_installed, point.official_rate,
                    point.trajectory_rate) == expected


def test_trend_snapshot_leaves_out_the_16h_correction(history):
    snapshot = province_trend(campaign=history, until=D20, as_at=campaign_deadline_at(campaign=history, day=D20))
    now = province_trend(campaign=history, until=D20)
    assert now[-1].reported_installed - snapshot[-1].reported_installed == 150
    assert snapshot[-1].reported_installed == PHUONG_I_AT_15H + 2600 + 700


def test_trend_carries_forward_and_takes_a_later_revision_of_the_same_day(history, lan):
    # Phường I does not report on the 21st: the 20th's figure is carried forward.
    submit(lan, "31318", dt.date(2020, 8, 21), local(2020, 8, 21, 9), residents_installed=1600)
    submit(lan, "31318", dt.date(2020, 8, 21), local(2020, 8, 21, 10), residents_installed=1700)
    trend = province_trend(campaign=history, until=dt.date(2020, 8, 22))
    assert trend[-1].reported_installed == trend[-2].reported_installed == 1700 + 2600 + 700
    assert trend[-1].official_installed == 110_000


def test_lagging_units_equal_the_district_and_commune_tables(history):
    for day in (D18, D19, D20):
        expected = [r for r in district_table(campaign=history, day=day) if r.lagging]
        for district in Unit.objects.districts().filter(active=True).order_by("code"):
            expected += [r for r in commune_table(campaign=history, district=district, day=day) if r.lagging]
        assert lagging_units(campaign=history, day=day) == expected
        assert expected  # the small history leaves every district below the trajectory


def test_latest_values_snapshot_excludes_a_save_at_15h_exactly(history, lan):
    submit(lan, "31318", D19, local(2020, 8, 19, 14, 59, 59), residents_installed=1160)
    submit(lan, "31318", D19, local(2020, 8, 19, 15, 0, 0), residents_installed=1170)
    phuong_i = Unit.objects.filter(code="31318")
    deadline = campaign_deadline_at(campaign=history, day=D19)
    assert latest_values(units=phuong_i, day=D19, as_at=deadline)[phuong_i.get().pk].residents_installed == 1160
    assert latest_values(units=phuong_i, day=D19)[phuong_i.get().pk].residents_installed == 1170
