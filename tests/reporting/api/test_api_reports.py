"""PUT/GET /api/v1/units/{code}/reports/{date}/ and GET /api/v1/reports/: rules 2, 5 and 6 over the API."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.serializers import Serializer, ValidationError

from reporting.api.serializers import ReportInputSerializer, ReportSerializer, report_input_validate
from reporting.models import DailyReport, ReportRevision
from reporting.record_text import warning_text
from tests.conftest import local
from tests.reporting.api_support import client_for, report_url

DAY = "2020-08-20"
BODY = {"residents_installed": 800, "staff_installed": 12, "family_installed": 30, "assisted_installs": 5,
        "note": "Đoàn thanh niên hỗ trợ"}
STAFF_ONLY = {"staff_installed": 40, "family_installed": 90}


@pytest.fixture(autouse=True)
def campaign_afternoon(campaign):
    """20/08/2020 14:00 in Hau Giang, an hour before the deadline; frozen."""
    with time_machine.travel(local(2020, 8, 20, 14, 0), tick=False) as traveller:
        yield traveller


def put(user, code: str, body, day: str = DAY):
    return client_for(user).put(report_url(code, day), body, format="json")


def get(user, code: str, day: str = DAY):
    return client_for(user).get(report_url(code, day))


def counts() -> tuple[int, int]:
    return DailyReport.objects.count(), ReportRevision.objects.count()


# ------------------------------------------------------------ create, replace, read

def test_put_creates_the_report_and_answers_it(lan):
    response = put(lan, "31318", BODY)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {
        "unit": "31318", "date": DAY, **BODY, "late_reason": "", "on_time": True,
        "submitted_at": "2020-08-20T14:00:00+07:00", "updated_at": "2020-08-20T14:00:00+07:00",
        "revision": 1, "channel": "api", "warnings": [],
    }
    revision = ReportRevision.objects.get()
    assert (revision.author, revision.channel, revision.ip_address) == (lan, "api", "127.0.0.1")


def test_the_same_body_twice_is_200_and_only_a_new_revision(lan, campaign_afternoon):
    first = put(lan, "31318", BODY)
    campaign_afternoon.shift(dt.timedelta(minutes=5))
    second = put(lan, "31318", BODY)
    assert (first.status_code, second.status_code) == (201, 200)
    one, two = first.json(), second.json()
    assert two["revision"] == 2
    assert {k: v for k, v in one.items() if k not in ("revision", "updated_at")} == {
        k: v for k, v in two.items() if k not in ("revision", "updated_at")
    }
    assert counts() == (1, 2)


def test_put_replaces_the_whole_report(lan):
    put(lan, "31318", BODY)
    response = put(lan, "31318", {"residents_installed": 900})
    assert response.status_code == 200
    body = response.json()
    assert (body["residents_installed"], body["staff_installed"], body["note"]) == (900, None, "")
    revision = ReportRevision.objects.get(number=2)
    assert revision.previous["residents_installed"] == 800 and revision.previous["staff_installed"] == 12


@pytest.mark.postgres
def test_a_put_costs_three_queries_whether_it_creates_or_replaces(lan):
    client = client_for(lan)
    residents = {"residents_installed": 800, "assisted_installs": 5, "note": "Đoàn thanh niên hỗ trợ"}
    for body in (residents, {**residents, "residents_installed": 790}):
        with CaptureQueriesContext(connection) as queries:
            response = client.put(report_url("31318", DAY), body, format="json")
        assert response.status_code in (200, 201)
        # The token with its user, the unit with the campaign and the previous report, the save.
        assert len(queries) == 3, [q["sql"][:60] for q in queries]


def test_a_count_bounded_by_an_ancestor_costs_one_query_more(lan):
    # Phường I knows its population but not its staff total: the bound is looked up the tree (rule 5).
    client = client_for(lan)
    with CaptureQueriesContext(connection) as queries:
        response = client.put(report_url("31318", DAY), BODY, format="json")
    assert response.status_code == 201
    assert len(queries) == 4, [q["sql"][:60] for q in queries]


def test_the_answer_is_what_drf_would_represent_field_by_field(lan, minh, campaign_afternoon):
    put(lan, "31318", BODY, day="2020-08-19")
    put(lan, "31318", {"residents_installed": 700, "note": ""}, day=DAY)  # lower: a warning
    put(minh, "31333", {"staff_installed": 3}, day=DAY)
    put(minh, "930", STAFF_ONLY, day=DAY)
    reports = list(DailyReport.objects.select_related("unit"))
    assert len(reports) == 4 and any(report.warnings for report in reports)
    for report in reports:
        serializer = ReportSerializer(report)
        # Warnings are stored as codes and worded for the caller (rule 7): DRF cannot represent that itself.
        worded = [{**warning, "message": warning_text(warning)} for warning in report.warnings]
        report.warnings = worded
        expected = Serializer.to_representation(serializer, report)
        report.warnings = [{k: v for k, v in w.items() if k != "message"} for w in worded]
        assert serializer.data == expected
        assert list(serializer.data) == list(serializer.fields)


@pytest.mark.parametrize("body", [
    BODY, {}, {"note": None, "late_reason": None}, {"residents_installed": "12", "unknown": 1},
    {"residents_installed": 5, "late_reason": "  Mất điện  "}, {"late_reason": 42}, {"late_reason": True},
    {"late_reason": {"a": 1}}, {"late_reason": "x" * 2001}, {"late_reason": "a\x00"}, {"late_reason": "\ud800"},
    [1, 2], "800", None, 5,
])
def test_the_shared_input_serializer_validates_as_a_fresh_one(body):
    """report_input_validate() answers what a new ReportInputSerializer would, value or 400."""
    fresh = ReportInputSerializer(data=body)
    if fresh.is_valid():
        assert report_input_validate(body) == fresh.validated_data
    else:
        with pytest.raises(ValidationError) as refused:
            report_input_validate(body)
        assert refused.value.detail == fresh.errors


def test_get_answers_the_stored_report(lan):
    put(lan, "31318", BODY)
    response = get(lan, "31318")
    assert response.status_code == 200
    assert response.json()["residents_installed"] == 800 and response.json()["revision"] == 1


def test_get_of_a_day_without_report_is_404(lan):
    response = get(lan, "31318")
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy."}


def test_numbers_sent_as_strings_are_accepted(lan):
    response = put(lan, "31318", {"residents_installed": "800", "staff_installed": " 12 "})
    assert response.status_code == 201
    assert (response.json()["residents_installed"], response.json()["staff_installed"]) == (800, 12)


# ------------------------------------------------------------ rule 2 over the API

def test_a_put_at_15h_exactly_is_late_and_keeps_its_late_reason(lan, campaign_afternoon):
    campaign_afternoon.move_to(local(2020, 8, 20, 15, 0, 0))
    response = put(lan, "31318", {**BODY, "late_reason": "Mất mạng"})
    assert response.status_code == 201
    assert response.json()["on_time"] is False and response.json()["late_reason"] == "Mất mạng"


def test_a_put_at_14_59_59_is_on_time_and_a_correction_at_16h_keeps_it(lan, campaign_afternoon):
    campaign_afternoon.move_to(local(2020, 8, 20, 14, 59, 59))
    assert put(lan, "31318", BODY).json()["on_time"] is True
    campaign_afternoon.move_to(local(2020, 8, 20, 16, 0))
    body = put(lan, "31318", {**BODY, "residents_installed": 850}).json()
    assert body["on_time"] is True
    assert body["submitted_at"] == "2020-08-20T14:59:59+07:00" and body["updated_at"] == "2020-08-20T16:00:00+07:00"


def test_a_future_date_is_400_naming_date(lan):
    response = put(lan, "31318", BODY, day="2020-08-21")
    assert response.status_code == 400
    assert list(response.json()) == ["date"]
    assert counts() == (0, 0)


def test_a_date_outside_the_campaign_is_400_naming_date(lan):
    response = put(lan, "31318", BODY, day="2020-08-12")
    assert response.status_code == 400
    assert "nằm ngoài thời gian chiến dịch" in response.json()["date"][0]


@pytest.mark.parametrize("day", ["2020-13-01", "2020-02-30", "20200820", "2020-8-20", "hôm-nay", "2020-08-20T00:00"])
def test_a_malformed_date_is_400_naming_date(lan, day):
    for response in (put(lan, "31318", BODY, day=day), get(lan, "31318", day=day)):
        assert response.status_code == 400
        assert response.json() == {"date": ["Ngày (date): phải là ngày dạng YYYY-MM-DD."]}


# ------------------------------------------------------------ rule 5 over the API

def test_a_negative_count_is_400_naming_the_field_in_vietnamese(lan):
    response = put(lan, "31318", {**BODY, "residents_installed": -5})
    assert response.status_code == 400
    assert response.json() == {"residents_installed": ["Số người dân đã cài đặt: không được là số âm."]}
    assert counts() == (0, 0)


def test_a_count_above_the_population_is_400(lan):
    response = put(lan, "31318", {**BODY, "residents_installed": 5629})
    assert response.json() == {"residents_installed": ["Số người dân đã cài đặt: 5.629 vượt quá dân số 5.628 của Phường I."]}


def test_an_empty_report_is_400_as_non_field_errors(lan):
    response = put(lan, "31318", {"note": "chưa có số"})
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Cần nhập ít nhất một số liệu."]}


def test_a_lower_count_than_the_previous_day_is_saved_with_a_warning(lan, campaign_afternoon):
    campaign_afternoon.move_to(local(2020, 8, 19, 10, 0))
    put(lan, "31318", BODY, day="2020-08-19")
    campaign_afternoon.move_to(local(2020, 8, 20, 10, 0))
    response = put(lan, "31318", {**BODY, "residents_installed": 700})
    assert response.status_code == 201
    (warning,) = response.json()["warnings"]
    assert warning["field"] == "residents_installed" and warning["previous"] == 800
    assert warning["previous_date"] == "2020-08-19" and "800 → 700" in warning["message"]
    assert get(lan, "31318").json()["warnings"] == [warning]


@pytest.mark.parametrize(("body", "field"), [
    ({"residents_installed": 10**400}, "residents_installed"),
    ({"residents_installed": -(10**400)}, "residents_installed"),
    ({"residents_installed": 1.5}, "residents_installed"),
    ({"residents_installed": "9" * 5000}, "residents_installed"),
    ({"residents_installed": "1\x00"}, "residents_installed"),
    ({"staff_installed": {"$gt": 0}}, "staff_installed"),
    ({"family_installed": [1, 2]}, "family_installed"),
    ({"assisted_installs": True}, "assisted_installs"),
    ({"residents_installed": 5, "note": "a\x00b"}, "note"),
    ({"residents_installed": 5, "note": {"html": "<b>"}}, "note"),
    ({"residents_installed": 5, "note": "x" * 10_000}, "note"),
    ({"residents_installed": 5, "late_reason": {"a": 1}}, "late_reason"),
    ({"residents_installed": 5, "late_reason": "lý do\x00"}, "late_reason"),
    ({"residents_installed": 5, "late_reason": "x" * 2001}, "late_reason"),
])
def test_hostile_values_are_400_naming_the_field_and_save_nothing(lan, body, field):
    response = put(lan, "31318", body)
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert all(isinstance(m, str) and m for m in response.json()[field])
    assert counts() == (0, 0)


@pytest.mark.parametrize("raw", [
    '{"residents_installed": 5', "[1, 2, 3]", '"800"', "null", "NaN", '{"a": Infinity}',
    "[" * 100_000, '{"a":' * 50_000, b"\xff\xfe{}", b'{"note": "\xed\xa0\x80"}',
], ids=["truncated", "list", "string", "null", "nan", "infinity", "deep-list", "deep-object", "not-utf8", "surrogate"])
def test_a_body_that_is_not_a_json_object_is_400(lan, raw):
    response = client_for(lan).generic("PUT", report_url("31318", DAY), raw, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body.get("detail") == "Nội dung gửi lên không phải JSON hợp lệ." or "non_field_errors" in body
    assert counts() == (0, 0)


@pytest.mark.parametrize("raw", [
    r'{"residents_installed": 5, "note": "a\ud800b"}',
    r'{"residents_installed": 5, "late_reason": "\udfff"}',
    r'{"residents_installed": "\ud800"}',
], ids=["note", "late_reason", "count"])
def test_a_lone_surrogate_escaped_in_json_is_400_naming_the_field(lan, raw):
    response = client_for(lan).generic("PUT", report_url("31318", DAY), raw, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()) == [next(f for f in ("note", "late_reason", "residents_installed") if f in raw)]
    assert counts() == (0, 0)


def test_a_form_encoded_body_is_415(lan):
    response = client_for(lan).generic(
        "PUT", report_url("31318", DAY), "residents_installed=5", content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415
    assert response.json() == {"detail": "Nội dung gửi lên phải là application/json."}


def test_html_in_the_note_is_stored_as_text(lan):
    note = '<script>alert("x")</script>'
    response = put(lan, "31318", {"residents_installed": 5, "note": note})
    assert response.status_code == 201
    assert response.json()["note"] == note
    assert response["Content-Type"] == "application/json"


# ------------------------------------------------------------ rule 6: the permission matrix

@pytest.mark.parametrize("code", ["31333", "31340", "930", "93", "SYT"])
def test_a_commune_reporter_gets_404_for_any_other_unit_and_no_data(lan, hoa, minh, thao, code):
    # Data exists behind each of these doors.
    put(hoa, "31333", BODY)
    put(minh, "930", STAFF_ONLY)
    put(thao, "93", {"residents_installed": 100_000})
    before = counts()
    for response in (get(lan, code), put(lan, code, BODY)):
        assert response.status_code == 404
        assert response.json() == {"detail": "Không tìm thấy."}
    assert counts() == before


def test_a_reporter_of_another_district_gets_404_for_vi_thanh(tuan, lan):
    put(lan, "31318", BODY)
    assert get(tuan, "31318").status_code == 404
    assert put(tuan, "31318", BODY).status_code == 404
    assert put(tuan, "31340", {"residents_installed": 300}).status_code == 201


def test_a_district_reporter_can_put_for_its_communes(minh):
    response = put(minh, "31318", BODY)
    assert response.status_code == 201
    assert get(minh, "31318").status_code == 200
    assert ReportRevision.objects.get().author == minh


def test_a_district_reporter_cannot_type_residents_for_the_district(minh):
    response = put(minh, "930", {"residents_installed": 5000, "staff_installed": 40})
    assert response.status_code == 400
    assert list(response.json()) == ["residents_installed"]
    assert "không nhập cho Thành phố Vị Thanh" in response.json()["residents_installed"][0]
    assert put(minh, "930", STAFF_ONLY).status_code == 201


def test_a_district_reporter_cannot_reach_another_district(minh):
    assert put(minh, "31340", BODY).status_code == 404


def test_a_reviewer_reads_everything(lan, tuan, thao):
    put(lan, "31318", BODY)
    put(tuan, "31340", {"residents_installed": 300})
    assert get(thao, "31318").status_code == 200
    assert get(thao, "31340").json()["residents_installed"] == 300


def test_a_reviewer_cannot_put_for_a_commune(thao):
    response = put(thao, "31318", BODY)
    assert response.status_code == 403
    assert response.json() == {"detail": "Bạn không có quyền báo cáo cho Phường I."}
    assert counts() == (0, 0)


def test_a_reviewer_puts_the_province_official_figure(thao):
    response = put(thao, "93", {"residents_installed": 150_000})
    assert response.status_code == 201
    assert response.json()["unit"] == "93" and response.json()["residents_installed"] == 150_000


def test_a_reporter_cannot_put_the_province_figure_even_if_it_could_see_it(minh):
    assert put(minh, "93", {"residents_installed": 1}).status_code == 404


@pytest.mark.parametrize("code", ["31318", "93", "930"])
def test_a_viewer_reads_but_gets_403_on_put(lan, quang, code):
    put(lan, "31318", BODY)
    assert get(quang, "31318").status_code == 200
    response = put(quang, code, BODY)
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Bạn không có quyền báo cáo cho")


def test_a_403_comes_before_looking_at_the_body(quang):
    response = client_for(quang).generic("PUT", report_url("31318", "not-a-date"), "{oops", content_type="application/json")
    assert response.status_code == 403


def test_an_inactive_unit_cannot_be_written(lan):
    lan.unit.active = False
    lan.unit.save()
    assert put(lan, "31318", BODY).status_code == 403


def test_anonymous_gets_401_on_every_report_endpoint(api_client, lan):
    put(lan, "31318", BODY)
    assert api_client.get(report_url("31318", DAY)).status_code == 401
    assert api_client.put(report_url("31318", DAY), BODY, format="json").status_code == 401
    assert api_client.get("/api/v1/reports/").status_code == 401
    assert counts() == (1, 1)


def test_a_session_put_without_csrf_is_refused(lan):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(lan)
    response = client.put(report_url("31318", DAY), BODY, format="json")
    assert response.status_code == 403
    assert counts() == (0, 0)


@pytest.mark.parametrize("code", ["31318\x00", "x" * 300, "%2e%2e", "31318 OR 1=1"])
def test_hostile_unit_codes_are_404_never_500(thao, code):
    assert get(thao, code).status_code == 404
    assert put(thao, code, BODY).status_code == 404


# ------------------------------------------------------------ Idempotency-Key: a retried PUT is received once

KEY = "3f2c8a1e-6b4d-4c1a-9f7e-2d5b8c0a1e34"


def put_keyed(user, body, key: str, code: str = "31318", day: str = DAY):
    return client_for(user).put(report_url(code, day), body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_put_retried_with_its_key_is_received_once(lan, campaign_afternoon):
    first = put_keyed(lan, BODY, KEY)
    campaign_afternoon.shift(dt.timedelta(minutes=30))  # the answer was lost; the client tries again at 14:30
    again = put_keyed(lan, BODY, KEY)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert again.json() == first.json()  # the first save, its time and revision, not a new one
    assert counts() == (1, 1)


def test_a_retry_after_15h_keeps_the_first_arrival_on_time(lan, campaign_afternoon):
    put_keyed(lan, BODY, KEY)
    campaign_afternoon.move_to(local(2020, 8, 20, 15, 30))
    again = put_keyed(lan, BODY, KEY)
    assert again.json()["on_time"] is True
    assert counts() == (1, 1)


def test_the_same_key_with_other_figures_is_refused_and_nothing_is_written(lan):
    put_keyed(lan, BODY, KEY)
    refused = put_keyed(lan, {**BODY, "residents_installed": 900}, KEY)
    assert refused.status_code == 400
    assert "trùng mã" in refused.json()["non_field_errors"][0]
    assert counts() == (1, 1)
    assert DailyReport.objects.get().residents_installed == 800


@pytest.mark.parametrize("key", ["abc", "1" * 65, "3f2c8a1e-6b4d-4c1a-9f7e-2d5b8c0a1e3Z"])
def test_a_key_that_is_no_uuid_is_400_naming_it_and_nothing_is_written(lan, key):
    response = put_keyed(lan, BODY, key)
    assert response.status_code == 400
    assert list(response.json()) == ["Idempotency-Key"]
    assert counts() == (0, 0)


def test_without_a_key_each_put_is_a_revision_as_before(lan):
    put(lan, "31318", BODY)
    put(lan, "31318", BODY)
    assert counts() == (1, 2)
