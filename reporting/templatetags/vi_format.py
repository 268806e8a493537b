"""Numbers and dates as Vietnamese readers write them: 55.289; 7,54 %; 30/08/2020.

Django's own Vietnamese locale does not group thousands, so the separators
are chosen here from the active language (English: 55,289; 7.54%).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template
from django.utils.translation import get_language

register = template.Library()

MISSING = "—"


def _is_vietnamese() -> bool:
    return (get_language() or "vi").lower().startswith("vi")


def _number(value: float | int | Decimal, digits: int) -> str:
    # Whole numbers exactly, however large (a float would round 10**40 to its nearest double).
    text = f"{value:,}" if isinstance(value, int) and digits == 0 else f"{value:,.{digits}f}"
    if _is_vietnamese():
        text = text.translate(str.maketrans({",": ".", ".": ","}))
    return text.replace("-", "−")


def _as_number(value) -> float | int | Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return value
    try:
        return Decimal(str(value).strip())
    except ArithmeticError:
        return None


@register.filter
def vi_int(value) -> str:
    """55289 → "55.289" (vi) / "55,289" (en); None → "—"."""
    number = _as_number(value)
    if number is None:
        return MISSING if value in (None, "") else str(value)
    return _number(round(number), 0)


@register.filter
def vi_signed(value) -> str:
    """A change: +1.234, −12 or 0."""
    number = _as_number(value)
    if number is None:
        return MISSING
    text = _number(round(number), 0)
    return f"+{text}" if number > 0 else text


@register.filter
def vi_decimal(value, digits: int = 1) -> str:
    """12345.67 → "12.345,7" (vi) with `digits` decimals."""
    number = _as_number(value)
    if number is None:
        return MISSING
    return _number(number, int(digits))


@register.filter
def vi_percent(value, digits: int = 2) -> str:
    """A fraction as a percentage: 0.075426 → "7,54 %" (vi) / "7.54%" (en); None → "—"."""
    number = _as_number(value)
    if number is None:
        return MISSING
    text = _number(Decimal(str(number)) * 100, int(digits))
    return f"{text} %" if _is_vietnamese() else f"{text}%"


@register.filter
def vi_date(value, style: str = "") -> str:
    """dd/mm/yyyy; style "short" gives dd/mm."""
    if not isinstance(value, dt.date):
        return MISSING
    return value.strftime("%d/%m" if style == "short" else "%d/%m/%Y")


@register.filter
def percent_width(value, goal) -> str:
    """CSS width of a progress bar: value / goal, capped to 0–100 %, with a dot as the decimal mark."""
    number, target = _as_number(value), _as_number(goal)
    if number is None or not target:
        return "0%"
    share = max(0.0, min(float(number) / float(target), 1.0))
    return f"{share * 100:.1f}%"
