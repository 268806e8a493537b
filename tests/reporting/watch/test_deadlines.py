"""Rule 2 (the 15:00 deadline) and rule 4 (targets), as pure functions: no database."""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

import pytest

from reporting.progress import targets
from reporting.watch import deadlines

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE = dt.time(15, 0)
START, TARGET = dt.date(2020, 8, 13), dt.date(2020, 8, 30)
POPULATION = 733_017
BASELINE = 55_289


def local(y, m, d, hh=0, mm=0, ss=0):
    return dt.datetime(y, m, d, hh, mm, ss, tzinfo=HCM)


def utc(y, m, d, hh=0, mm=0, ss=0):
    return dt.datetime(y, m, d, hh, mm, ss, tzinfo=dt.UTC)


def on_time(at: dt.datetime, day: dt.date = dt.date(2020, 8, 20)) -> bool:
    return deadlines.is_on_time(submitted_at=at, day=day, deadline=DEADLINE, zone=HCM)


# ------------------------------------------------------------ the deadline

def test_deadline_is_15h_local_which_is_08h_utc():
    assert deadlines.deadline_at(day=dt.date(2020, 8, 20), deadline=DEADLINE, zone=HCM) == utc(2020, 8, 20, 8)


def test_report_at_14_59_59_local_is_on_time():
    assert on_time(local(2020, 8, 20, 14, 59, 59)) is True


def test_report_at_15_00_00_local_is_late():
    assert on_time(local(2020, 8, 20, 15, 0, 0)) is False


def test_the_boundary_is_the_same_instant_written_in_utc():
    assert on_time(utc(2020, 8, 20, 7, 59, 59)) is True
    assert on_time(utc(2020, 8, 20, 8, 0, 0)) is False


def test_report_the_morning_after_is_late_for_the_day_before():
    assert on_time(local(2020, 8, 21, 7, 0)) is False


def test_report_days_ahead_of_its_date_is_on_time():
    assert on_time(local(2020, 8, 19, 16, 0)) is True


def test_23_30_utc_on_12_august_is_13_august_in_hau_giang():
    assert deadlines.local_date(at=utc(2020, 8, 12, 23, 30), zone=HCM) == dt.date(2020, 8, 13)


def test_16_59_utc_is_still_the_same_local_day_and_17_00_the_next():
    assert deadlines.local_date(at=utc(2020, 8, 20, 16, 59, 59), zone=HCM) == dt.date(2020, 8, 20)
    assert deadlines.local_date(at=utc(2020, 8, 20, 17, 0, 0), zone=HCM) == dt.date(2020, 8, 21)


def test_local_date_refuses_a_naive_datetime():
    with pytest.raises(ValueError):
        deadlines.local_date(at=dt.datetime(2020, 8, 20, 12), zone=HCM)  # noqa: DTZ001


def test_time_left_counts_down_to_the_deadline_and_goes_negative_after():
    day = dt.date(2020, 8, 20)
    assert deadlines.time_left(now=local(2020, 8, 20, 14, 0), day=day, deadline=DEADLINE, zone=HCM) == dt.timedelta(hours=1)
    assert deadlines.time_left(now=local(2020, 8, 20, 15, 0), day=day, deadline=DEADLINE, zone=HCM) == dt.timedelta(0)
    assert deadlines.time_left(now=local(2020, 8, 20, 15, 30), day=day, deadline=DEADLINE, zone=HCM) < dt.timedelta(0)


# ------------------------------------------------------------ closed days (the flagging job's catch-up)

def closed(now: dt.datetime) -> list[dt.date]:
    return deadlines.closed_days(start=START, end=TARGET, now=now, deadline=DEADLINE, zone=HCM)


def test_no_day_is_closed_before_the_first_deadline():
    assert closed(local(2020, 8, 13, 14, 59, 59)) == []


def test_a_day_closes_at_15_00_00_exactly():
    assert closed(local(2020, 8, 13, 15, 0, 0)) == [dt.date(2020, 8, 13)]


def test_a_scheduler_down_for_two_days_catches_up_both():
    # Last run before 13 Aug 15:00; the next one on 15 Aug at 09:00.
    assert closed(local(2020, 8, 15, 9, 0)) == [dt.date(2020, 8, 13), dt.date(2020, 8, 14)]


def test_closed_days_stop_at_the_end_of_the_campaign():
    days = closed(local(2020, 9, 10, 9, 0))
    assert days[0] == START and days[-1] == TARGET and len(days) == 18


# ------------------------------------------------------------ targets (rule 4)

BASELINE_RATE = BASELINE / POPULATION


def trajectory(day: dt.date) -> float:
    return targets.trajectory_rate(day=day, start=START, target_date=TARGET, baseline_rate=BASELINE_RATE, target_rate=0.30)


def test_baseline_is_7_54_percent():
    assert round(BASELINE_RATE * 100, 2) == 7.54


def test_trajectory_starts_at_the_baseline_and_ends_at_the_target():
    assert trajectory(START) == pytest.approx(BASELINE_RATE)
    assert trajectory(TARGET) == pytest.approx(0.30)
    assert trajectory(dt.date(2020, 9, 5)) == pytest.approx(0.30)
    assert trajectory(dt.date(2020, 8, 1)) == pytest.approx(BASELINE_RATE)


def test_trajectory_is_a_straight_line():
    # 17 days from 13 to 30 Aug: each day adds 1/17 of the gap.
    step = (0.30 - BASELINE_RATE) / 17
    assert trajectory(dt.date(2020, 8, 14)) == pytest.approx(BASELINE_RATE + step)
    assert trajectory(dt.date(2020, 8, 21)) == pytest.approx(BASELINE_RATE + 8 * step)


def test_thirty_percent_of_the_province_is_219906_people():
    assert targets.target_count(target_rate=0.30, denominator=POPULATION) == 219_906


def test_required_daily_is_the_gap_over_the_days_left_rounded_up():
    installs = 100_000
    days_left = targets.days_left(day=dt.date(2020, 8, 20), target_date=TARGET)
    assert days_left == 10
    expected = math.ceil((0.30 * POPULATION - installs) / days_left)
    assert expected == 11_991
    assert targets.required_daily(installed=installs, denominator=POPULATION, target_rate=0.30, days=days_left) == expected


def test_required_daily_at_the_baseline():
    days_left = targets.days_left(day=START, target_date=TARGET)
    assert days_left == 17
    assert targets.required_daily(installed=BASELINE, denominator=POPULATION, target_rate=0.30, days=days_left) == (
        math.ceil((219_906 - BASELINE) / 17)
    )


def test_required_daily_is_the_whole_gap_on_the_last_day_and_zero_once_reached():
    assert targets.days_left(day=TARGET, target_date=TARGET) == 0
    assert targets.required_daily(installed=200_000, denominator=POPULATION, target_rate=0.30, days=0) == 19_906
    assert targets.required_daily(installed=219_906, denominator=POPULATION, target_rate=0.30, days=5) == 0


def test_required_daily_without_a_denominator_is_unknown():
    assert targets.required_daily(installed=10, denominator=None, target_rate=0.30, days=5) is None


def test_rate_and_lagging_against_the_trajectory():
    assert targets.rate(55_289, POPULATION) == pytest.approx(0.0754, abs=1e-4)
    assert targets.rate(10, None) is None
    day = dt.date(2020, 8, 21)
    assert targets.is_lagging(rate_value=trajectory(day) - 0.001, trajectory=trajectory(day)) is True
    assert targets.is_lagging(rate_value=trajectory(day), trajectory=trajectory(day)) is False
    assert targets.is_lagging(rate_value=None, trajectory=trajectory(day)) is False


def test_staff_rate_counts_staff_and_their_families():
    assert targets.rate(250 + 700, 300 + 800) == pytest.approx(950 / 1100)


def test_projection_reaches_the_target_at_the_current_pace():
    day = dt.date(2020, 8, 20)
    # 119,906 to go at 10,000 a day: 12 more days.
    assert targets.projected_date(day=day, installed=100_000, denominator=POPULATION, target_rate=0.30,
                                  daily_pace=10_000) == dt.date(2020, 9, 1)
    assert targets.projected_date(day=day, installed=219_906, denominator=POPULATION, target_rate=0.30,
                                  daily_pace=0) == day
    assert targets.projected_date(day=day, installed=100_000, denominator=POPULATION, target_rate=0.30,
                                  daily_pace=0) is None


def test_with_a_grace_a_day_closes_only_when_it_has_passed():
    grace = dt.timedelta(seconds=120)

    def closed_with_grace(now: dt.datetime) -> list[dt.date]:
        return deadlines.closed_days(start=START, end=TARGET, now=now, deadline=DEADLINE, zone=HCM, grace=grace)

    assert closed_with_grace(local(2020, 8, 13, 15, 1, 59)) == []
    assert closed_with_grace(local(2020, 8, 13, 15, 2, 0)) == [dt.date(2020, 8, 13)]
    # The verdict itself does not move: 15:00:00 is late, grace or not.
    assert deadlines.is_on_time(submitted_at=local(2020, 8, 13, 15, 0, 0), day=dt.date(2020, 8, 13),
                                deadline=DEADLINE, zone=HCM) is False
