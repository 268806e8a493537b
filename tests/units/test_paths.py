"""What a unit code and a day look like in an address (units.paths): one strict reading everywhere."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import Resolver404, resolve, reverse

from units.paths import UNIT_CODE_MAX_LENGTH, DayConverter, iso_day, unit_code_possible


def test_a_day_is_read_only_in_the_form_every_client_writes():
    assert iso_day("2020-08-20") == dt.date(2020, 8, 20)
    assert iso_day(" 2020-08-20 ") == dt.date(2020, 8, 20)


@pytest.mark.parametrize("text", [
    None, "", "   ", "2020-02-30", "2020-13-01", "2020-8-20", "20/08/2020",
    # Python 3.11's fromisoformat takes these; no form or client of the portal writes them.
    "20200820", "2020-W34-1", "2020-233",
    "2020-08-20T00:00", "٢٠٢٠-٠٨-٢٠", "2020-08-20\x00",
])
def test_anything_else_is_no_day(text):
    assert iso_day(text) is None


@pytest.mark.parametrize("code", ["31318", "SNV", "x" * UNIT_CODE_MAX_LENGTH])
def test_a_code_some_unit_could_have_is_possible(code):
    assert unit_code_possible(code)


@pytest.mark.parametrize("code", [None, "", "x" * (UNIT_CODE_MAX_LENGTH + 1), "31318\x00", "93/930"])
def test_a_code_no_unit_can_have_is_not_sent_to_the_database(code):
    assert not unit_code_possible(code)


def test_the_day_converter_gives_the_view_a_date_and_writes_it_back():
    converter = DayConverter()
    assert converter.to_python("2020-08-20") == dt.date(2020, 8, 20)
    assert converter.to_url(dt.date(2020, 8, 20)) == "2020-08-20"
    with pytest.raises(ValueError):
        converter.to_python("2020-02-30")


def test_pages_take_a_real_day_and_a_possible_code_from_the_path():
    match = resolve("/chua-bao-cao/31318/2020-08-20/mien/")
    assert match.url_name == "flags_excuse"
    assert match.kwargs == {"code": "31318", "day": dt.date(2020, 8, 20)}
    assert reverse("flags_excuse", args=["31318", dt.date(2020, 8, 20)]) == "/chua-bao-cao/31318/2020-08-20/mien/"
    for path in ("/chua-bao-cao/31318/2020-02-30/mien/", f"/tong-quan/huyen/{'9' * (UNIT_CODE_MAX_LENGTH + 1)}/"):
        with pytest.raises(Resolver404):
            resolve(path)


def test_an_api_path_whose_day_is_no_date_reaches_the_same_view_without_one():
    good = resolve("/api/v1/units/31318/reports/2020-08-20/")
    bad = resolve("/api/v1/units/31318/reports/2020-02-30/")
    assert good.func is bad.func
    assert good.kwargs["date"] == dt.date(2020, 8, 20)
    assert bad.kwargs["date"] is None


@pytest.mark.django_db
def test_an_api_address_no_route_matches_answers_json(client):
    response = client.get(f"/api/v1/units/{'9' * 300}/reports/2020-08-20/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy."}
    page = client.get(f"/tong-quan/huyen/{'9' * 300}/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")
