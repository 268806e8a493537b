"""GET /api/v1/units/: only the units the caller may read, filtered by kind and parent."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.reporting.api_support import client_for
from units.models import Unit

URL = "/api/v1/units/"
VI_THANH = {"930", "31318", "31321", "31324", "31327", "31330", "31333", "31336", "31338", "31339"}


def codes(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["code"] for row in response.json()}


def test_a_commune_reporter_sees_only_its_own_unit(lan):
    assert codes(client_for(lan).get(URL)) == {"31318"}


def test_a_district_reporter_sees_its_district_and_communes(minh):
    assert codes(client_for(minh).get(URL)) == VI_THANH


def test_an_agency_reporter_sees_only_its_agency(dung):
    assert codes(client_for(dung).get(URL)) == {"SYT"}


@pytest.mark.parametrize("who", ["thao", "quang"])
def test_reviewers_and_viewers_see_every_unit(request, who):
    user = request.getfixturevalue(who)
    assert codes(client_for(user).get(URL)) == set(Unit.objects.values_list("code", flat=True))


def test_a_unit_row_carries_the_contract_fields(lan):
    (row,) = client_for(lan).get(URL).json()
    assert row == {
        "code": "31318", "name": "Phường I", "kind": "ward", "parent": "930", "population": 5628,
        "staff_total": None, "family_total": None, "must_report": True,
    }


def test_the_province_has_no_parent(thao):
    rows = client_for(thao).get(URL, {"kind": "province"}).json()
    assert [(r["code"], r["parent"], r["population"]) for r in rows] == [("93", None, 733_017)]


def test_filter_by_kind_stays_within_scope(minh):
    assert codes(client_for(minh).get(URL, {"kind": "ward"})) == {"31318", "31321", "31324", "31327", "31330"}
    assert codes(client_for(minh).get(URL, {"kind": "agency"})) == set()


def test_filter_by_parent_lists_direct_children(thao, minh):
    assert codes(client_for(thao).get(URL, {"parent": "930"})) == VI_THANH - {"930"}
    assert codes(client_for(minh).get(URL, {"parent": "930"})) == VI_THANH - {"930"}
    assert codes(client_for(thao).get(URL, {"parent": "930", "kind": "commune"})) == {
        "31333", "31336", "31338", "31339",
    }


def test_filter_by_a_parent_out_of_scope_is_400_and_reveals_nothing(lan):
    client = client_for(lan)
    outside = client.get(URL, {"parent": "930"})
    missing = client.get(URL, {"parent": "99999"})
    assert outside.status_code == missing.status_code == 400
    assert outside.json() == {"parent": ["Không tìm thấy đơn vị mã “930” trong phạm vi của bạn."]}
    assert list(missing.json()) == ["parent"]


def test_an_unknown_kind_is_400_naming_the_field(lan):
    response = client_for(lan).get(URL, {"kind": "galaxy"})
    assert response.status_code == 400
    assert list(response.json()) == ["kind"]
    message = response.json()["kind"][0]
    assert "Loại đơn vị (kind)" in message and "galaxy" in message and "commune" in message


@pytest.mark.parametrize("params", [{"parent": "9\x00"}, {"parent": "x" * 300}, {"kind": "\x00"}])
def test_hostile_filters_are_400_never_500(thao, params):
    response = client_for(thao).get(URL, params)
    assert response.status_code == 400
    assert set(response.json()) <= {"parent", "kind"}


def test_an_empty_filter_is_no_filter(minh):
    assert codes(client_for(minh).get(URL, {"parent": "", "kind": ""})) == VI_THANH


def test_the_list_takes_the_same_number_of_queries_for_one_unit_or_many(lan, minh, thao):
    def queries(user) -> int:
        client = client_for(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    # token + (the reporter's unit) + the list, with each parent joined in
    assert queries(lan) == queries(minh) <= 3
    assert queries(thao) <= 3


def test_anonymous_is_401(api_client, db):
    assert api_client.get(URL).status_code == 401


def test_units_are_read_only(thao):
    response = client_for(thao).post(URL, {"code": "X"}, format="json")
    assert response.status_code == 405
