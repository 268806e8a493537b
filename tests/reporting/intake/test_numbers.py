"""Counts typed the Vietnamese way (rule 5): pure parser tests, no database."""

from __future__ import annotations

import pytest

from reporting.intake.numbers import DECIMAL, NEGATIVE, NOT_A_NUMBER, TOO_LONG, CountTextError, count_text_parse


@pytest.mark.parametrize("text, expected", [
    ("1450", 1450),
    ("1.450", 1450),
    ("1 450", 1450),
    ("1\u00a0450", 1450),
    ("1\u202f450", 1450),
    ("  1.450  ", 1450),
    ("\u00a01 450\u00a0", 1450),
    ("1.450.000", 1_450_000),
    ("1 450 000", 1_450_000),
    ("1\u00a0450\u00a0000", 1_450_000),
    ("55.289", 55_289),
    ("733.017", 733_017),
    ("0", 0),
    ("000", 0),
    ("12", 12),
    ("999", 999),
    ("100.000", 100_000),
    ("1.000.000.000", 1_000_000_000),
    ("007", 7),
])
def test_whole_numbers_written_the_vietnamese_way_are_read(text, expected):
    assert count_text_parse(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "\u00a0", "\t\n"])
def test_blank_text_is_no_figure(text):
    assert count_text_parse(text) is None


@pytest.mark.parametrize("text", [
    "1,5", "1.5", "1.45", "14.50", "1,450", "1.450,0", "1.450,00", "0,5", "0.5", ".5", ",5",
    "1.4500", "12.345.67", "1 450,5", "1 450.000", "0.450", "7,54",
])
def test_decimals_are_refused_as_decimals(text):
    with pytest.raises(CountTextError) as refused:
        count_text_parse(text)
    assert refused.value.reason == DECIMAL


@pytest.mark.parametrize("text", ["-3", "-1.450", "−12", "-1,5"])
def test_negative_numbers_are_refused_as_negative(text):
    with pytest.raises(CountTextError) as refused:
        count_text_parse(text)
    assert refused.value.reason == NEGATIVE


@pytest.mark.parametrize("text", [
    "abc", "12a", "1e3", "+5", "1.450.", "1..450", "1.450 000", "1  450", "1 45", "1.45.000",
    "١٢٣", "１２３", "-", "1_450", "0x10", "½", "1 450\u00a0000",
])
def test_anything_else_is_not_a_number(text):
    with pytest.raises(CountTextError) as refused:
        count_text_parse(text)
    assert refused.value.reason == NOT_A_NUMBER


def test_more_than_twelve_digits_is_too_long():
    with pytest.raises(CountTextError) as refused:
        count_text_parse("1234567890123")
    assert refused.value.reason == TOO_LONG
    assert count_text_parse("123.456.789.012") == 123_456_789_012
