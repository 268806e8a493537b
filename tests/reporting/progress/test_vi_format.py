"""Numbers and dates in Vietnamese format (55.289; 7,54 %; 30/08/2020), English when English is active."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from reporting.templatetags.vi_format import percent_width, vi_date, vi_decimal, vi_int, vi_percent, vi_signed

BASELINE_RATE = 55_289 / 733_017


def test_vietnamese_thousands_use_a_dot():
    with translation.override("vi"):
        assert vi_int(55_289) == "55.289"
        assert vi_int(733_017) == "733.017"
        assert vi_int(1_234_567) == "1.234.567"
        assert vi_int(999) == "999"
        assert vi_int(0) == "0"


def test_vietnamese_percent_uses_a_decimal_comma_and_a_spaced_sign():
    with translation.override("vi"):
        assert vi_percent(BASELINE_RATE) == "7,54 %"
        assert vi_percent(0.3, 0) == "30 %"
        assert vi_percent(Decimal("0.3000")) == "30,00 %"
        assert vi_percent(1) == "100,00 %"


def test_english_uses_its_own_separators():
    with translation.override("en"):
        assert vi_int(55_289) == "55,289"
        assert vi_percent(BASELINE_RATE) == "7.54%"
        assert vi_decimal(4871.67, 0) == "4,872"


def test_missing_values_show_a_dash():
    with translation.override("vi"):
        assert vi_int(None) == vi_percent(None) == vi_signed(None) == vi_date(None) == "—"


def test_changes_carry_their_sign():
    with translation.override("vi"):
        assert vi_signed(1_234) == "+1.234"
        assert vi_signed(-12) == "−12"
        assert vi_signed(0) == "0"


def test_decimals_and_dates():
    with translation.override("vi"):
        assert vi_decimal(4871.67, 0) == "4.872"
        assert vi_decimal(12_345.67, 1) == "12.345,7"
        assert vi_date(dt.date(2020, 8, 30)) == "30/08/2020"
        assert vi_date(dt.date(2020, 8, 3), "short") == "03/08"


def test_filters_in_a_template():
    template = Template("{% load vi_format %}{{ n|vi_int }} · {{ r|vi_percent }} · {{ d|vi_date }}")
    with translation.override("vi"):
        text = template.render(Context({"n": 55_289, "r": BASELINE_RATE, "d": dt.date(2020, 8, 13)}))
    assert text == "55.289 · 7,54 % · 13/08/2020"


def test_progress_bar_width_is_capped_and_css_safe():
    with translation.override("vi"):
        assert percent_width(0.15, 0.3) == "50.0%"
        assert percent_width(0.45, 0.3) == "100.0%"
        assert percent_width(None, 0.3) == "0%"
