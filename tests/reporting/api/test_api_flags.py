"""GET /api/v1/flags/, POST /api/v1/flags/{unit}/{date}/excuse/, GET /api/v1/compliance/."""

from __future__ import annotations

import pytest
import time_machine
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from reporting.models import MissedDeadline
from reporting.watch.excuses import missed_deadline_excuse
from reporting.watch.flagging import missed_deadlines_flag
from tests.conftest import local
from tests.reporting.flag_support import D1, D2, after_deadline, due_units, submit


def api(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def two_days(campaign, lan, hoa):
    """13/08: Lan on time, Hoà at 15:01 (late). 14/08: nobody. Flags up to the 14th."""
    submit(lan, D1, local(2020, 8, 13, 10))
    missed_deadlines_flag(now=after_deadline(D1))
    submit(hoa, D1, local(2020, 8, 13, 15, 1), late_reason="Mất điện cả buổi chiều")
    missed_deadlines_flag(now=after_deadline(D2))
    return campaign


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "url"), [
    ("get", "/api/v1/flags/?date=2020-08-13"),
    ("post", "/api/v1/flags/31318/2020-08-14/excuse/"),
    ("get", "/api/v1/compliance/?date=2020-08-13"),
])
def test_anonymous_callers_get_401(campaign, method, url):
    response = getattr(api(None), method)(url)
    assert response.status_code == 401


@pytest.mark.django_db
def test_reviewer_lists_every_flag_of_the_day_with_context(two_days, thao):
    response = api(thao).get("/api/v1/flags/?date=2020-08-13")
    assert response.status_code == 200
    body = response.json()
    assert {f["unit"] for f in body} == {u.code for u in due_units()} - {"31318"}
    hoa = next(f for f in body if f["unit"] == "31333")
    assert hoa["date"] == "2020-08-13"
    assert hoa["reported_late_at"].startswith("2020-08-13T15:01:00")
    assert hoa["excused"] is False and hoa["excuse_reason"] == ""
    assert hoa["consecutive_misses"] == 1 and hoa["escalated"] is False
    assert set(hoa) == {"unit", "unit_name", "date", "flagged_at", "excused", "excuse_reason", "reported_late_at",
                        "consecutive_misses", "escalated", "status", "status_label"}
    assert (hoa["status"], hoa["status_label"]) == ("late", "Trễ hạn")
    day2 = api(thao).get("/api/v1/flags/?date=2020-08-14").json()
    hoa2 = next(f for f in day2 if f["unit"] == "31333")
    assert hoa2["consecutive_misses"] == 2 and hoa2["escalated"] is True and hoa2["reported_late_at"] is None


@pytest.mark.django_db
def test_a_reporter_sees_only_its_own_units_flags(two_days, hoa, minh):
    own = api(hoa).get("/api/v1/flags/?date=2020-08-13").json()
    assert [f["unit"] for f in own] == ["31333"]
    district = {f["unit"] for f in api(minh).get("/api/v1/flags/?date=2020-08-14").json()}
    assert "930" in district and "31318" in district and "31340" not in district


@pytest.mark.django_db
def test_a_viewer_reads_every_flag(two_days, quang):
    assert len(api(quang).get("/api/v1/flags/?date=2020-08-14").json()) == len(due_units())


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "message"), [
    ("date=14-08-2020", "Ngày (date): phải là ngày dạng YYYY-MM-DD."),
    ("date=2020-02-30", "Ngày (date): phải là ngày dạng YYYY-MM-DD."),
    ("date=2020-09-15", "Ngày (date): 15/09/2020 nằm ngoài chiến dịch"),
])
def test_a_bad_date_is_a_400_naming_the_field(campaign, thao, query, message):
    for url in ("/api/v1/flags/", "/api/v1/compliance/"):
        response = api(thao).get(f"{url}?{query}")
        assert response.status_code == 400
        assert response.json()["date"][0].startswith(message)


@pytest.mark.django_db
def test_without_a_date_the_default_campaign_day_is_used(two_days, thao):
    with time_machine.travel(local(2020, 8, 14, 16), tick=False):
        body = api(thao).get("/api/v1/flags/").json()
    assert {f["date"] for f in body} == {"2020-08-14"}


@pytest.mark.django_db
def test_a_reviewer_excuses_a_flag(two_days, thao):
    response = api(thao).post("/api/v1/flags/31333/2020-08-14/excuse/", {"reason": "Mất điện diện rộng"},
                              format="json")
    assert response.status_code == 200
    assert response.json()["excused"] is True
    assert response.json()["excuse_reason"] == "Mất điện diện rộng"
    flag = MissedDeadline.objects.get(unit__code="31333", date=D2)
    assert flag.excused_by == thao and flag.excused_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["hoa", "minh", "quang"])
def test_only_reviewers_excuse(two_days, request, who):
    user = request.getfixturevalue(who)
    response = api(user).post("/api/v1/flags/31333/2020-08-14/excuse/", {"reason": "Xin miễn"}, format="json")
    assert response.status_code == 403
    assert "Chỉ cán bộ Sở Thông tin và Truyền thông" in response.json()["detail"]
    assert not MissedDeadline.objects.filter(excused=True).exists()


@pytest.mark.django_db
def test_excusing_a_unit_out_of_scope_or_without_a_flag_is_404(two_days, thao, hoa):
    assert api(thao).post("/api/v1/flags/NOPE/2020-08-14/excuse/", {"reason": "x"}, format="json").status_code == 404
    assert api(thao).post("/api/v1/flags/31318/2020-08-13/excuse/", {"reason": "x"}, format="json").status_code == 404
    # Hoà cannot see Phường Ngã Bảy at all: 404 (not 403), so nothing about it leaks.
    assert api(hoa).post("/api/v1/flags/31340/2020-08-14/excuse/", {"reason": "x"}, format="json").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("body", "field", "message"), [
    ({}, "reason", "Lý do miễn (reason): bắt buộc nhập."),
    ({"reason": "   "}, "reason", "Lý do miễn (reason): bắt buộc nhập."),
    ({"reason": "a\x00b"}, "reason", "Lý do miễn (reason): chứa ký tự không hợp lệ."),
    ({"reason": "x" * 2001}, "reason", "Lý do miễn (reason): tối đa 2000 ký tự."),
])
def test_an_excuse_without_a_proper_reason_is_a_400(two_days, thao, body, field, message):
    response = api(thao).post("/api/v1/flags/31333/2020-08-14/excuse/", body, format="json")
    assert response.status_code == 400
    assert response.json()[field] == [message]
    assert not MissedDeadline.objects.filter(excused=True).exists()


@pytest.mark.django_db
def test_an_excuse_with_a_bad_date_is_a_400(two_days, thao):
    response = api(thao).post("/api/v1/flags/31333/14-08-2020/excuse/", {"reason": "x"}, format="json")
    assert response.status_code == 400 and "date" in response.json()


@pytest.mark.django_db
def test_a_second_excuse_is_refused(two_days, thao):
    url = "/api/v1/flags/31333/2020-08-14/excuse/"
    api(thao).post(url, {"reason": "Lần một"}, format="json")
    response = api(thao).post(url, {"reason": "Lần hai"}, format="json")
    assert response.status_code == 400
    assert "đã được miễn" in response.json()["non_field_errors"][0]
    assert MissedDeadline.objects.get(unit__code="31333", date=D2).excuse_reason == "Lần một"


@pytest.mark.django_db
def test_compliance_counts_on_time_late_missing_and_excused(two_days, thao):
    missed_deadline_excuse(user=thao, flag=MissedDeadline.objects.get(unit__code="31340", date=D1), reason="Bão")
    body = api(thao).get("/api/v1/compliance/?date=2020-08-13").json()
    n = len(due_units())
    assert body["on_time"] == ["31318"]
    assert body["late"] == ["31333"]
    assert body["excused"] == ["31340"]
    assert len(body["missing"]) == n - 3 and body["not_yet"] == []
    assert body["counts"] == {"on_time": 1, "late": 1, "missing": n - 3, "excused": 1, "not_yet": 0}


@pytest.mark.django_db
def test_compliance_is_scoped_to_the_caller(two_days, minh):
    body = api(minh).get("/api/v1/compliance/?date=2020-08-13").json()
    codes = {c for status in ("on_time", "late", "missing", "excused", "not_yet") for c in body[status]}
    assert "31318" in body["on_time"] and "31333" in body["late"]
    assert all(c == "930" or c.startswith("313") for c in codes)
    assert "31340" not in codes


@pytest.mark.django_db
def test_compliance_before_the_deadline_says_not_yet(campaign, lan, thao):
    submit(lan, D2, local(2020, 8, 14, 9))
    with time_machine.travel(local(2020, 8, 14, 14, 59, 59), tick=False):
        body = api(thao).get("/api/v1/compliance/?date=2020-08-14").json()
    assert body["on_time"] == ["31318"] and body["missing"] == []
    assert body["counts"]["not_yet"] == len(due_units()) - 1
    with time_machine.travel(local(2020, 8, 14, 15, 0, 0), tick=False):
        body = api(thao).get("/api/v1/compliance/?date=2020-08-14").json()
    assert body["counts"]["missing"] == len(due_units()) - 1 and body["not_yet"] == []


@pytest.mark.django_db
def test_the_schema_documents_every_answer(campaign, thao):
    schema = api(thao).get("/api/schema/?format=json").json()
    excuse = schema["paths"]["/api/v1/flags/{code}/{date}/excuse/"]["post"]
    assert set(excuse["responses"]) == {"200", "400", "401", "403", "404"}
    assert set(schema["paths"]["/api/v1/flags/"]["get"]["responses"]) >= {"200", "400", "401"}
    assert set(schema["paths"]["/api/v1/compliance/"]["get"]["responses"]) >= {"200", "400", "401"}
