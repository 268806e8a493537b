"""GET /api/v1/reports/: the caller's reports only, filtered, paged, in a fixed number of queries."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import local
from tests.reporting.api_support import client_for, report_url

DAY = "2020-08-20"
BODY = {"residents_installed": 800, "staff_installed": 12, "family_installed": 30, "assisted_installs": 5}
STAFF_ONLY = {"staff_installed": 40, "family_installed": 90}
LIST = "/api/v1/reports/"


def put(user, code: str, body, day: str = DAY):
    response = client_for(user).put(report_url(code, day), body, format="json")
    assert response.status_code == 201, response.content


@pytest.fixture
def reports_everywhere(campaign, lan, hoa, minh, tuan, thao):
    with time_machine.travel(local(2020, 8, 20, 14, 0), tick=False):
        for day in ("2020-08-19", DAY):
            put(lan, "31318", BODY, day=day)
            put(hoa, "31333", BODY, day=day)
            put(minh, "930", STAFF_ONLY, day=day)
            put(tuan, "31340", {"residents_installed": 300}, day=day)
            put(thao, "93", {"residents_installed": 150_000}, day=day)


def listed(user, **params) -> list[tuple[str, str]]:
    response = client_for(user).get(LIST, params)
    assert response.status_code == 200, response.content
    return [(row["unit"], row["date"]) for row in response.json()["results"]]


def test_the_list_holds_only_the_callers_units(reports_everywhere, lan, minh, thao, quang):
    assert {u for u, _ in listed(lan)} == {"31318"}
    assert {u for u, _ in listed(minh)} == {"930", "31318", "31333"}
    assert {u for u, _ in listed(thao)} == {"93", "930", "31318", "31333", "31340"}
    assert listed(quang) == listed(thao)


def test_the_list_is_newest_first_and_counted(reports_everywhere, minh):
    response = client_for(minh).get(LIST).json()
    assert response["count"] == 6 and response["next"] is None
    assert [d for _, d in listed(minh)] == [DAY] * 3 + ["2020-08-19"] * 3


def test_the_list_filters_by_date_and_unit(reports_everywhere, minh):
    assert listed(minh, date="2020-08-19", unit="31333") == [("31333", "2020-08-19")]
    assert {u for u, _ in listed(minh, date=DAY)} == {"930", "31318", "31333"}
    assert listed(minh, date="2020-08-14") == []


def test_the_list_refuses_a_unit_out_of_scope_without_revealing_it(reports_everywhere, lan):
    response = client_for(lan).get(LIST, {"unit": "31333"})
    assert response.status_code == 400
    assert response.json() == {"unit": ["Không tìm thấy đơn vị mã “31333” trong phạm vi của bạn."]}


@pytest.mark.parametrize("bad", ["20-08-2020", "2020-02-30", "x\x00", "2020-08-20T10:00:00"])
def test_the_list_refuses_a_bad_date_naming_it(lan, bad):
    response = client_for(lan).get(LIST, {"date": bad})
    assert response.status_code == 400
    assert list(response.json()) == ["date"]
    assert response.json()["date"][0].startswith("Ngày (date):")


def test_the_list_pages(reports_everywhere, thao):
    page = client_for(thao).get(LIST, {"limit": 3, "offset": 3}).json()
    assert page["count"] == 10 and len(page["results"]) == 3
    assert "offset=6" in page["next"] and page["previous"]
    assert client_for(thao).get(LIST, {"offset": 10**30}).json()["results"] == []
    assert len(client_for(thao).get(LIST, {"limit": "beaucoup"}).json()["results"]) == 10


def test_the_list_costs_the_same_queries_for_two_or_ten_reports(reports_everywhere, lan, thao):
    def queries(user) -> int:
        client = client_for(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    assert queries(lan) <= 4 and queries(thao) <= 4


def test_a_listed_report_is_the_same_as_the_single_report(reports_everywhere, thao):
    row = client_for(thao).get(LIST, {"unit": "93", "date": DAY}).json()["results"][0]
    assert row == client_for(thao).get(report_url("93", DAY)).json()
    assert row["residents_installed"] == 150_000 and row["channel"] == "api" and row["on_time"] is True
