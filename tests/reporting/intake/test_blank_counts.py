"""Rule 1 per field: a count left blank keeps the unit's previous figure on every path, never counts as 0.

Phường I (31318) reported 1.390 residents on the 19th; on the 20th it sends
a report that leaves residents blank — from the phone form, an API PUT that
omits the field, an Excel row with an empty cell. The district, the province,
the dashboards, the progress API, the public page and the workbook (live and
at 15:00) must all still count 1.390 for it. A report with every count blank
is refused on each path. These run through the progress table on PostgreSQL
(the saves that update it themselves and those applied at commit) and
through the computed path.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from reporting.models import DailyReport, ReportRevision
from reporting.progress.figures import province_progress
from reporting.progress.selectors import commune_table, district_table, province_trend
from tests.conftest import local, unit
from tests.reporting.api_support import client_for, report_url
from tests.reporting.excel_support import COMMUNES, DISTRICTS, FIRST_ROW, body, row_named, submit, workbook

D19, D20 = dt.date(2020, 8, 19), dt.date(2020, 8, 20)
BEFORE = 1390 + 2000  # Phường I and Xã Vị Tân on the 19th; nobody else in the province reported


def totals(campaign, day: dt.date = D20) -> dict:
    """Every figure a blank could change, through the selectors the pages, API and workbook read."""
    progress = province_progress(campaign=campaign, day=day)
    vi_thanh = next(r for r in district_table(campaign=campaign, day=day) if r.unit.code == "930")
    phuong_i = next(r for r in commune_table(campaign=campaign, district=unit("930"), day=day)
                    if r.unit.code == "31318")
    return {
        "province": progress.province.installed, "district": vi_thanh.installed, "rank": vi_thanh.rank,
        "district_change": vi_thanh.change, "commune": phuong_i.installed, "commune_change": phuong_i.change,
        "trend": [p.reported_installed for p in province_trend(campaign=campaign, until=day)][-2:],
    }


def computed(campaign, day: dt.date = D20) -> dict:
    """The same figures from the reports themselves (the definition, without the progress table)."""
    with override_settings(BLUEZONE_PROGRESS_TABLE=False):
        return totals(campaign, day)


@pytest.fixture
def reported_19th(campaign, lan, hoa):
    submit(lan, "31318", D19, local(2020, 8, 19, 9), residents_installed=1390, staff_installed=20)
    submit(hoa, "31333", D19, local(2020, 8, 19, 9), residents_installed=2000)
    return campaign


def expected_unchanged() -> dict:
    return {"province": BEFORE, "district": BEFORE, "rank": 1, "district_change": 0, "commune": 1390,
            "commune_change": 0, "trend": [BEFORE, BEFORE]}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the form -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_clearing_the_residents_field_on_the_form_leaves_district_and_province_totals_unchanged(reported_19th, lan):
    campaign = reported_19th
    with time_machine.travel(local(2020, 8, 20, 10), tick=False):
        assert totals(campaign) == expected_unchanged()  # builds the progress table before the save
        client = logged_in(lan)
        form = client.get(reverse("report_today")).content.decode()
        # Beside the field: a blank keeps the previous figure, and which one (vi formatted, with its date).
        assert "Để trống nếu chưa có số mới: giữ số trước đó 1.390 (ngày 19/08/2020)." in form
        assert "không tính là 0" in form
        response = client.post(reverse("report_today"), {"date": "2020-08-20", "residents_installed": "",
                                                         "staff_installed": "25"})
        assert response.status_code == 302, response.content.decode()
        receipt = client.get(response["Location"]).content.decode()
        assert "Để trống — giữ số trước đó 1.390 (ngày 19/08/2020)" in receipt
        report = DailyReport.objects.get(unit__code="31318", date=D20)
        assert report.residents_installed is None and report.staff_installed == 25
        assert totals(campaign) == computed(campaign) == expected_unchanged()
        # The district page and the public page show the same.
        district_page = client.get(reverse("dashboard_district", args=["930"]), {"date": "2020-08-20"})
        assert "1.390" in district_page.content.decode()

        # A figure typed, then cleared again, on the same day: back to the 19th's figure, not to 0.
        client.post(reverse("report_today"), {"date": "2020-08-20", "residents_installed": "1500",
                                              "staff_installed": "25"})
        assert totals(campaign)["province"] == BEFORE + 110
        client.post(reverse("report_today"), {"date": "2020-08-20", "residents_installed": "",
                                              "staff_installed": "26"})
        assert totals(campaign) == computed(campaign) == expected_unchanged()


def test_the_form_says_when_there_is_no_previous_figure(campaign, lan):
    with time_machine.travel(local(2020, 8, 20, 10), tick=False):
        html = logged_in(lan).get(reverse("report_today")).content.decode()
    assert "Để trống nếu chưa có số liệu: đơn vị chưa có số nào trước ngày này." in html


def test_each_field_shows_its_own_previous_figure(campaign, lan):
    """Staff was last given on the 18th, residents on the 19th: each hint names its own figure and date."""
    submit(lan, "31318", dt.date(2020, 8, 18), local(2020, 8, 18, 9), residents_installed=1200, staff_installed=18)
    submit(lan, "31318", D19, local(2020, 8, 19, 9), residents_installed=1390)
    with time_machine.travel(local(2020, 8, 20, 10), tick=False):
        html = logged_in(lan).get(reverse("report_today")).content.decode()
    assert "giữ số trước đó 1.390 (ngày 19/08/2020)" in html
    assert "giữ số trước đó 18 (ngày 18/08/2020)" in html


# --- the API --------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_api_put_that_omits_residents_installed_leaves_totals_unchanged(reported_19th, lan, thao):
    campaign = reported_19th
    with time_machine.travel(local(2020, 8, 20, 10), tick=False):
        assert totals(campaign) == expected_unchanged()
        before = client_for(thao).get("/api/v1/progress/", {"date": "2020-08-20"}).json()
        response = client_for(lan).put(report_url("31318", "2020-08-20"), {"staff_installed": 25}, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["residents_installed"] is None
        assert totals(campaign) == computed(campaign) == expected_unchanged()
        after = client_for(thao).get("/api/v1/progress/", {"date": "2020-08-20"}).json()
        assert after["province"]["reported_installed"] == before["province"]["reported_installed"] == BEFORE
        assert next(d for d in after["districts"] if d["code"] == "930")["installed"] == BEFORE
        # An explicit null is the same blank.
        response = client_for(lan).put(report_url("31318", "2020-08-20"),
                                       {"residents_installed": None, "staff_installed": 26}, format="json")
        assert response.status_code == 200, response.content
        assert totals(campaign) == computed(campaign) == expected_unchanged()


# --- the Excel import -----------------------------------------------------------------------------


def _template(user, day: str = "2020-08-20") -> bytes:
    response = client_for(user).get("/api/v1/imports/template.xlsx", {"date": day})
    assert response.status_code == 200, response.content
    return body(response)


def _filled(data: bytes, values: dict[str, dict[str, object]]) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    for row in ws.iter_rows(min_row=FIRST_ROW):
        for column, value in values.get(row[0].value, {}).items():
            ws[f"{column}{row[0].row}"] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(user, data: bytes):
    return client_for(user).post("/api/v1/imports/", {"file": SimpleUploadedFile("so-lieu.xlsx", data)},
                                 format="multipart")


@pytest.mark.django_db(transaction=True)
def test_an_import_row_with_residents_left_empty_leaves_totals_unchanged(reported_19th, minh):
    campaign = reported_19th
    with time_machine.travel(local(2020, 8, 20, 10), tick=False):
        assert totals(campaign) == expected_unchanged()
        response = _upload(minh, _filled(_template(minh), {"31318": {"D": None, "E": 25}}))
        assert response.status_code == 201, response.content
        assert response.json()["created"] == 1
        assert DailyReport.objects.get(unit__code="31318", date=D20).residents_installed is None
        assert totals(campaign) == computed(campaign) == expected_unchanged()


# --- all blank: refused everywhere ----------------------------------------------------------------


def test_a_report_with_every_count_blank_is_refused_on_the_form_the_api_and_the_import(campaign, lan, minh):
    message = "Cần nhập ít nhất một số liệu."
    with time_machine.travel(local(2020, 8, 20, 10), tick=False):
        form = logged_in(lan).post(reverse("report_today"), {"date": "2020-08-20", "residents_installed": "",
                                                             "staff_installed": " ", "note": "Chưa có số"})
        assert form.status_code == 200 and message in form.content.decode()
        api = client_for(lan).put(report_url("31318", "2020-08-20"), {"note": "Chưa có số"}, format="json")
        assert api.status_code == 400 and message in str(api.json())
        imported = _upload(minh, _filled(_template(minh), {"31318": {"H": "Chưa có số"}}))
        assert imported.status_code == 400
        assert [e["message"] for e in imported.json()["errors"]] == [message]
    assert DailyReport.objects.count() == ReportRevision.objects.count() == 0


# --- the workbook, live and at 15:00 ----------------------------------------------------------------


def test_the_15h_snapshot_keeps_the_previous_figure_for_a_count_cleared_before_15h(reported_19th, lan, thao):
    """Phường I sends 1.500 at 10:00, clears it at 14:00, sends 1.600 at 16:00: at 15:00 it counted 1.390
    (the 19th's figure) — neither the cleared 1.500 nor 0."""
    campaign = reported_19th
    submit(lan, "31318", D20, local(2020, 8, 20, 10), residents_installed=1500, staff_installed=25)
    submit(lan, "31318", D20, local(2020, 8, 20, 14), staff_installed=25)
    submit(lan, "31318", D20, local(2020, 8, 20, 16), residents_installed=1600, staff_installed=25)
    with time_machine.travel(local(2020, 8, 21, 9), tick=False):
        client = client_for(thao)
        at_15h = workbook(client.get("/api/v1/exports/daily.xlsx", {"date": "2020-08-20"}))
        now = workbook(client.get("/api/v1/exports/daily.xlsx", {"date": "2020-08-20", "as_at": "now"}))
        progress = client.get("/api/v1/progress/", {"date": "2020-08-20", "as_at": "deadline"}).json()
    assert row_named(at_15h[COMMUNES], "Phường I")[3] == 1390
    assert row_named(at_15h[DISTRICTS], "Thành phố Vị Thanh")[3] == BEFORE == progress["province"]["reported_installed"]
    assert row_named(now[COMMUNES], "Phường I")[3] == 1600
    assert row_named(now[DISTRICTS], "Thành phố Vị Thanh")[3] == BEFORE + 210
    deadline = local(2020, 8, 20, 15)
    assert [p.reported_installed for p in province_trend(campaign=campaign, until=D20, as_at=deadline)][-2:] == [
        BEFORE, BEFORE]
