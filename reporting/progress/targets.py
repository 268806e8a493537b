"""Rule 4: targets, trajectory, required pace. Pure arithmetic, no database."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal


def rate(installed: int | None, denominator: int | None) -> float | None:
    if installed is None or not denominator:
        return None
    return installed / denominator


def trajectory_rate(
    *, day: dt.date, start: dt.date, target_date: dt.date, baseline_rate: float, target_rate: float
) -> float:
    """The straight line from the baseline on `start` to the target on `target_date`."""
    span = (target_date - start).days
    if span <= 0 or day >= target_date:
        return float(target_rate)
    if day <= start:
        return float(baseline_rate)
    return baseline_rate + (float(target_rate) - baseline_rate) * (day - start).days / span


def days_left(*, day: dt.date, target_date: dt.date) -> int:
    """Whole days after `day` up to and including the target date."""
    return max((target_date - day).days, 0)


def target_count(*, target_rate: float | Decimal, denominator: int) -> int:
    # Exact decimal arithmetic: 30 % of 733,017 is 219,905.1, so 219,906 people.
    return math.ceil(Decimal(str(target_rate)) * denominator)


def required_daily(*, installed: int, denominator: int | None, target_rate: float | Decimal, days: int) -> int | None:
    """ceil((target × denominator − installs) / days left); the whole gap on the last day."""
    if not denominator:
        return None
    gap = target_count(target_rate=target_rate, denominator=denominator) - installed
    if gap <= 0:
        return 0
    return math.ceil(gap / max(days, 1))


def is_lagging(*, rate_value: float | None, trajectory: float) -> bool:
    return rate_value is not None and rate_value < trajectory


def projected_date(
    *, day: dt.date, installed: int, denominator: int | None, target_rate: float | Decimal, daily_pace: float
) -> dt.date | None:
    """The date the target is reached at `daily_pace` installs a day; None if never."""
    if not denominator:
        return None
    gap = target_count(target_rate=target_rate, denominator=denominator) - installed
    if gap <= 0:
        return day
    if daily_pace <= 0:
        return None
    return day + dt.timedelta(days=math.ceil(gap / daily_pace))
