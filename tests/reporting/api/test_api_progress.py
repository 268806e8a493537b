"""GET /api/v1/progress/: the selectors' numbers, the 15:00 snapshot, scope and refusals."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from reporting.api.progress import ProgressSerializer, progress_payload
from reporting.campaigns import campaign_deadline_at
from reporting.progress.dashboards import dashboard_view_parse
from reporting.progress.figures import province_progress
from reporting.progress.representation import representation
from reporting.progress.selectors import commune_table, district_table, province_projection, province_trend
from tests.conftest import local, unit
from tests.reporting import dashboard_support
from tests.reporting.dashboard_support import D18, D20, PHUONG_I_AT_15H, PHUONG_I_AT_16H, submit

history = dashboard_support.history

URL = "/api/v1/progress/"
NEXT_MORNING = local(2020, 8, 21, 9, 0)


def _get(api_client, user, **params):
    api_client.force_authenticate(user)
    with time_machine.travel(NEXT_MORNING, tick=False):
        return api_client.get(URL, params)


def test_progress_province_block_equals_the_selectors(api_client, history, thao):
    response = _get(api_client, thao, date="2020-08-20")
    assert response.status_code == 200
    body = response.json()
    progress = province_progress(campaign=history, day=D20)
    projection = province_projection(campaign=history, trend=province_trend(campaign=history, until=D20))
    province = body["province"]
    assert body["date"] == "2020-08-20" and body["as_at"] == "now" and body["as_at_time"] is None
    assert province["code"] == "93" and province["population"] == 733_017
    assert province["official_installed"] == progress.official_installed == 110_000
    assert province["official_rate"] == progress.official_rate
    assert province["reported_installed"] == progress.province.installed == PHUONG_I_AT_16H + 2600 + 700
    assert province["reported_rate"] == progress.province.rate
    assert province["target_rate"] == 0.3
    assert province["trajectory_rate"] == progress.trajectory_rate
    assert province["required_daily"] == progress.required_daily
    assert province["days_left"] == 10
    assert province["stale_leaves"] == progress.province.stale_leaves == progress.province.leaves - 3
    assert province["daily_pace"] == projection.daily_pace
    assert province["projected_date"] == (projection.projected_date.isoformat() if projection.projected_date else None)


def test_progress_districts_are_the_district_table_in_rank_order(api_client, history, quang):
    body = _get(api_client, quang, date="2020-08-20").json()
    rows = district_table(campaign=history, day=D20)
    assert [d["code"] for d in body["districts"]] == [r.unit.code for r in rows]
    assert len(rows) == 8
    vi_thanh = next(d for d in body["districts"] if d["code"] == "930")
    row = next(r for r in rows if r.unit.code == "930")
    assert vi_thanh == {
        "code": "930", "name": "Thành phố Vị Thanh", "population": row.population, "installed": row.installed,
        "rate": row.rate, "change": row.change, "rank": row.rank, "lagging": row.lagging, "leaves": row.leaves,
        "stale_leaves": row.stale_leaves, "on_time_leaves": row.on_time_leaves,
        "target_installed": row.target_count, "shortfall": row.shortfall, "required_daily": row.required_daily,
    }
    # Phường I went 1,150 → 1,450 and Xã Vị Tân 2,300 → 2,600 since the 19th.
    assert vi_thanh["installed"] == PHUONG_I_AT_16H + 2600 and vi_thanh["change"] == 300 + 300
    assert [d["rank"] for d in body["districts"]] == list(range(1, 9))


def test_progress_defaults_to_today_and_now(api_client, history, thao):
    api_client.force_authenticate(thao)
    with time_machine.travel(local(2020, 8, 19, 10, 0), tick=False):
        body = api_client.get(URL).json()
    assert body["date"] == "2020-08-19" and body["as_at"] == "now"


def test_deadline_snapshot_leaves_out_the_16h_correction(api_client, history, thao):
    at_deadline = _get(api_client, thao, date="2020-08-20", as_at="deadline").json()
    now = _get(api_client, thao, date="2020-08-20", as_at="now").json()
    assert at_deadline["as_at"] == "deadline"
    assert at_deadline["as_at_time"] == "2020-08-20T15:00:00+07:00"
    assert dt.datetime.fromisoformat(at_deadline["as_at_time"]) == campaign_deadline_at(campaign=history, day=D20)
    assert now["province"]["reported_installed"] - at_deadline["province"]["reported_installed"] == \
        PHUONG_I_AT_16H - PHUONG_I_AT_15H
    snapshot_930 = next(d for d in at_deadline["districts"] if d["code"] == "930")
    now_930 = next(d for d in now["districts"] if d["code"] == "930")
    assert snapshot_930["installed"] == PHUONG_I_AT_15H + 2600
    assert now_930["installed"] == PHUONG_I_AT_16H + 2600
    # The snapshot is what the selectors give for that instant, reproducible any time later.
    snapshot = province_progress(campaign=history, day=D20, as_at=campaign_deadline_at(campaign=history, day=D20))
    assert at_deadline["province"]["reported_installed"] == snapshot.province.installed


def test_deadline_snapshot_is_taken_at_15h_exactly(api_client, history, lan, thao):
    submit(lan, "31318", D18, local(2020, 8, 18, 14, 59, 59), residents_installed=1010)
    submit(lan, "31318", D18, local(2020, 8, 18, 15, 0, 0), residents_installed=1020)
    body = _get(api_client, thao, date="2020-08-18", as_at="deadline").json()
    assert next(d for d in body["districts"] if d["code"] == "930")["installed"] == 1010 + 2000


def test_district_reporter_sees_the_province_and_only_its_district(api_client, history, minh, thao):
    body = _get(api_client, minh, date="2020-08-20").json()
    assert body["province"] == _get(api_client, thao, date="2020-08-20").json()["province"]
    assert [d["code"] for d in body["districts"]] == ["930"]
    own = {k: v for k, v in body["districts"][0].items() if k not in ("code", "name")}
    assert body["unit"] == {"code": "930", "name": "Thành phố Vị Thanh", "kind": "city", "residents": own,
                            "staff": None}


def test_commune_reporter_gets_the_province_and_its_own_row_as_the_district_page_shows_it(
        api_client, history, lan, thao, client):
    body = _get(api_client, lan, date="2020-08-20").json()
    assert body["province"] == _get(api_client, thao, date="2020-08-20").json()["province"]
    assert body["province"]["reported_installed"] == PHUONG_I_AT_16H + 2600 + 700
    assert body["districts"] == []
    row = next(r for r in commune_table(campaign=history, district=unit("930"), day=D20) if r.unit.code == "31318")
    assert body["unit"]["code"] == "31318" and body["unit"]["staff"] is None
    assert body["unit"]["residents"] == {
        "population": 5628, "installed": PHUONG_I_AT_16H, "rate": row.rate, "change": PHUONG_I_AT_16H - 1150,
        "rank": row.rank, "lagging": row.lagging, "leaves": 1, "stale_leaves": 0, "on_time_leaves": 1,
        "target_installed": row.target_count, "shortfall": row.shortfall, "required_daily": row.required_daily,
    }
    # The web overview of a commune reporter is its district's page, narrowed to its own row: the same figures.
    client.force_login(lan)
    with time_machine.travel(NEXT_MORNING, tick=False):
        html = client.get(reverse("dashboard_district", args=["930"]), {"date": "2020-08-20"}).content.decode()
    assert "Phường I" in html and "1.450" in html and "Xã Vị Tân" not in html


def test_agency_reporter_gets_the_province_and_its_own_staff_figures(api_client, history, dung, thao):
    body = _get(api_client, dung, date="2020-08-20").json()
    assert body["province"] == _get(api_client, thao, date="2020-08-20").json()["province"]
    assert body["districts"] == []
    assert body["unit"] == {
        "code": "SYT", "name": "Sở Y tế", "kind": "agency", "residents": None,
        "staff": {"staff_total": 300, "family_total": 800, "staff_installed": 240, "family_installed": 500,
                  "assisted_installs": 0, "rate": 740 / 1100, "target_rate": 1.0, "meets_target": False,
                  "reported_today": True, "last_report": "2020-08-20"},
    }


def test_reviewers_have_no_own_unit(api_client, history, thao, quang):
    for user in (thao, quang):
        assert _get(api_client, user, date="2020-08-20").json()["unit"] is None


def test_bad_date_is_refused_naming_the_field(api_client, history, thao):
    for value in ("20/08/2020", "2020-02-30", "abc"):
        response = _get(api_client, thao, date=value)
        assert response.status_code == 400, value
        assert list(response.json()) == ["date"]
        assert "Ngày xem" in response.json()["date"][0]


def test_date_outside_the_campaign_or_in_the_future_is_refused(api_client, history, thao):
    outside = _get(api_client, thao, date="2020-09-01")
    assert outside.status_code == 400 and "ngoài thời gian chiến dịch" in outside.json()["date"][0]
    before = _get(api_client, thao, date="2020-08-12")
    assert before.status_code == 400
    future = _get(api_client, thao, date="2020-08-25")
    assert future.status_code == 400 and "chưa đến" in future.json()["date"][0]


def test_bad_as_at_is_refused_naming_the_field(api_client, history, thao):
    response = _get(api_client, thao, date="2020-08-20", as_at="yesterday")
    assert response.status_code == 400
    assert list(response.json()) == ["as_at"]
    assert "as_at" in response.json()["as_at"][0]


def test_both_bad_fields_are_reported_together(api_client, history, thao):
    response = _get(api_client, thao, date="x", as_at="y")
    assert response.status_code == 400 and set(response.json()) == {"date", "as_at"}


def test_anonymous_caller_gets_401(api_client, history):
    assert api_client.get(URL).status_code == 401


def test_token_caller_is_served(api_client, history, thao):
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=thao)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    with time_machine.travel(NEXT_MORNING, tick=False):
        response = api_client.get(URL, {"date": "2020-08-20"})
    assert response.status_code == 200 and response.json()["province"]["official_installed"] == 110_000


def test_schema_documents_progress_with_every_status(api_client, hau_giang):
    response = api_client.get("/api/schema/", {"format": "json"})
    operation = response.json()["paths"]["/api/v1/progress/"]["get"]
    assert set(operation["responses"]) == {"200", "400", "401", "503"}
    assert {p["name"] for p in operation["parameters"]} == {"date", "as_at"}
    province = response.json()["components"]["schemas"]["ProvinceProgress"]["properties"]
    for name in ("official_installed", "reported_rate", "target_rate", "trajectory_rate", "required_daily",
                 "days_left", "stale_leaves", "projected_date", "daily_pace"):
        assert name in province


def test_the_answer_is_the_serializers_representation_for_every_kind_of_caller(history, thao, minh, lan, dung):
    """The answer is built without DRF's per-field machinery (issue 17); it must be exactly what
    ProgressSerializer makes of the same payload, for every shape: districts, own rows, staff, snapshots."""
    campaign = history
    for user in (thao, minh, lan, dung):
        for choice in ("now", "deadline"):
            for day in (D18, D20):
                view, _ = dashboard_view_parse(campaign=campaign, params={"date": day.isoformat(),
                                                                               "as_at": choice})
                payload = progress_payload(view=view, user=user)
                assert representation(ProgressSerializer, payload) == ProgressSerializer(payload).data, (
                    user.username, choice, day)


def test_one_answer_chooses_its_source_once(api_client, history, thao):
    """issue 15: the progress table's days are ensured once per read, not once per selector."""
    api_client.force_authenticate(thao)
    api_client.get(URL, {"date": "2020-08-20"})  # builds the table
    with CaptureQueriesContext(connection) as queries, override_settings(BLUEZONE_PROGRESS_CACHE=False):
        assert api_client.get(URL, {"date": "2020-08-20"}).status_code == 200
    ensured = [q["sql"] for q in queries.captured_queries if "reporting_progress_ensure" in q["sql"]]
    assert len(ensured) == 1
