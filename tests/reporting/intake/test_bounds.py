"""Rule 5: counts bounded by the nearest known denominator; jumps warned; sums above a population alarmed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from reporting.intake.bounds import unit_bounds
from reporting.intake.services import ReportRefused, report_submit
from reporting.models import Channel, DailyReport, ReportRevision
from tests.conftest import local, unit
from tests.reporting.excel.test_excel_import import filled, row_of, template, upload
from tests.reporting.excel_support import QUALITY, D, at, export, row_named, token_client, workbook
from units.services import user_create

BILLION = 1_000_000_000
NGA_BAY_BOUND = "vượt quá dân số 56.182 của Thành phố Ngã Bảy"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_commune_without_population_is_bounded_by_its_city(hau_giang):
    bounds = unit_bounds(unit=unit("31340"))
    assert (bounds["residents_installed"].value, bounds["residents_installed"].unit_name) == (56182, "Thành phố Ngã Bảy")


def test_a_commune_with_its_own_population_is_bounded_by_it(hau_giang):
    bound = unit_bounds(unit=unit("31318"))["residents_installed"]
    assert (bound.value, bound.unit_code) == (5628, "31318")


def test_staff_with_no_total_anywhere_is_bounded_by_the_nearest_population(hau_giang):
    bounds = unit_bounds(unit=unit("STP"))  # an agency without staff or family totals, under the province
    assert bounds["staff_installed"].value == 733017 and bounds["staff_installed"].unit_code == "93"
    assert bounds["family_installed"].denominator == "population"


def test_api_put_of_a_billion_is_400_naming_the_bound(tuan):
    with time_machine.travel(local(2020, 8, 20, 10), tick=False):
        response = token_client(tuan).put(
            "/api/v1/units/31340/reports/2020-08-20/",
            {"residents_installed": BILLION, "staff_installed": BILLION, "family_installed": BILLION}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["residents_installed"] == [f"Số người dân đã cài đặt: 1.000.000.000 {NGA_BAY_BOUND}."]
    assert body["staff_installed"] == [f"Số cán bộ đã cài đặt: 1.000.000.000 {NGA_BAY_BOUND}."]
    assert set(body) == {"residents_installed", "staff_installed", "family_installed"}
    assert not DailyReport.objects.exists() and not ReportRevision.objects.exists()


def test_api_put_of_a_billion_is_400_in_english_too(tuan):
    with time_machine.travel(local(2020, 8, 20, 10), tick=False):
        response = token_client(tuan).put("/api/v1/units/31340/reports/2020-08-20/",
                                          {"residents_installed": BILLION}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["residents_installed"] == [
        "Residents installed: 1,000,000,000 is more than the population 56,182 of Thành phố Ngã Bảy."]


def test_form_refuses_a_billion_naming_the_bound_and_saves_nothing(tuan):
    with time_machine.travel(local(2020, 8, 20, 10), tick=False):
        response = logged_in(tuan).post(reverse("report_today"), {"date": "2020-08-20",
                                                                  "residents_installed": "1.000.000.000"})
    assert response.status_code == 200
    assert f"Số người dân đã cài đặt: 1.000.000.000 {NGA_BAY_BOUND}." in response.content.decode()
    assert not DailyReport.objects.exists()


def test_import_refuses_a_billion_naming_the_bound(minh, tuan):
    data = template(tuan, parent="31340")
    response = upload(tuan, filled(data, {"31340": {"D": "1.000.000.000"}}))
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["row"] == row_of(data, "31340") and error["field"] == "residents_installed"
    assert error["message"] == f"Số người dân đã cài đặt: 1.000.000.000 {NGA_BAY_BOUND}."
    assert not DailyReport.objects.exists()


def test_import_reads_vietnamese_text_numbers(tuan):
    data = template(tuan, parent="31340")
    response = upload(tuan, filled(data, {"31340": {"D": "1.450"}}))
    assert response.status_code == 201, response.content
    assert DailyReport.objects.get(unit__code="31340").residents_installed == 1450


def test_import_refuses_a_decimal_text_cell_saying_counts_are_whole(tuan):
    data = template(tuan, parent="31340")
    response = upload(tuan, filled(data, {"31340": {"D": "1,5"}}))
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert "“1,5” không phải số nguyên" in error["message"] and "1.450" in error["message"]


def test_the_api_keeps_strict_numbers(tuan):
    with time_machine.travel(local(2020, 8, 20, 10), tick=False):
        response = token_client(tuan).put("/api/v1/units/31340/reports/2020-08-20/",
                                          {"residents_installed": "1.450"}, format="json")
        plain = token_client(tuan).put("/api/v1/units/31340/reports/2020-08-20/",
                                       {"residents_installed": "1450"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"residents_installed": ["Số người dân đã cài đặt: phải là số nguyên không âm."]}
    assert plain.status_code == 201 and plain.json()["residents_installed"] == 1450  # as before: digits only


# ---------------------------------------------------------------- jumps

def _save(user, code, day, when, **values):
    return report_submit(user=user, unit=unit(code), day=day, values=values, now=when, channel=Channel.API)


def test_a_jump_above_the_campaign_threshold_is_saved_with_a_warning(tuan):
    _save(tuan, "31340", D - dt.timedelta(days=1), at(D - dt.timedelta(days=1), 9), residents_installed=1000)
    # 20 % of Ngã Bảy's 56.182 is 11.236.4: 12.000 more is a jump, saved with a warning.
    saved = _save(tuan, "31340", D, at(D, 9), residents_installed=13000)
    report = DailyReport.objects.get(pk=saved.report.pk)
    assert report.residents_installed == 13000
    assert report.warnings == [{
        "field": "residents_installed", "code": "jump", "previous": 1000, "previous_date": "2020-08-19",
        "value": 13000, "bound": 56182, "bound_unit": "Thành phố Ngã Bảy", "bound_unit_code": "931",
        "denominator": "population", "threshold_percent": 20,
    }]
    with time_machine.travel(at(D, 10), tick=False):
        answer = token_client(tuan).get("/api/v1/units/31340/reports/2020-08-20/").json()
    assert answer["warnings"][0]["message"] == (
        "Số người dân đã cài đặt tăng 12.000 so với báo cáo ngày 19/08/2020 (1.000 → 13.000), hơn 20 % dân số "
        "56.182 của Thành phố Ngã Bảy; hãy kiểm tra lại số liệu.")


def test_a_rise_within_the_threshold_carries_no_warning(tuan):
    _save(tuan, "31340", D - dt.timedelta(days=1), at(D - dt.timedelta(days=1), 9), residents_installed=1000)
    assert _save(tuan, "31340", D, at(D, 9), residents_installed=12000).warnings == []


def test_the_threshold_is_the_campaigns(tuan, campaign):
    campaign.jump_threshold = Decimal("0.5")
    campaign.save()
    _save(tuan, "31340", D - dt.timedelta(days=1), at(D - dt.timedelta(days=1), 9), residents_installed=1000)
    assert _save(tuan, "31340", D, at(D, 9), residents_installed=13000).warnings == []
    campaign.jump_threshold = Decimal("0.1")
    campaign.save()
    (warning,) = _save(tuan, "31340", D, at(D, 9, 30), residents_installed=7000).warnings
    assert (warning["code"], warning["threshold_percent"]) == ("jump", 10)


# ---------------------------------------------------------------- the sum above a population

def test_a_district_whose_reports_exceed_its_population_is_an_alarm_on_the_dashboard(thao):
    city, _token, _password = user_create(username="nga.bay", role="reporter", unit_code="931", password="Mat-khau-2020")
    _save(city, "31340", D, at(D, 9), residents_installed=40000)
    _save(city, "31341", D, at(D, 9), residents_installed=40000)
    with time_machine.travel(at(D, 16), tick=False):
        html = logged_in(thao).get(reverse("dashboard_overview"), {"date": D.isoformat()}).content.decode()
        district = logged_in(thao).get(reverse("dashboard_district", args=["931"]),
                                       {"date": D.isoformat()}).content.decode()
        response = export(token_client(thao), date=D.isoformat(), as_at="now")
    assert 'id="data-quality"' in html
    assert "Thành phố Ngã Bảy: tổng báo cáo 80.000 vượt dân số 56.182 (23.818 người, 142,39 %)." in html
    assert "Tổng báo cáo vượt dân số: cần kiểm tra số liệu" in district
    row = row_named(workbook(response)[QUALITY], "Thành phố Ngã Bảy")
    assert row[3] == "Tổng báo cáo vượt dân số" and "80.000 vượt dân số 56.182" in row[5]


def test_no_alarm_when_every_territory_is_within_its_population(tuan, thao):
    _save(tuan, "31340", D, at(D, 9), residents_installed=4000)
    with time_machine.travel(at(D, 16), tick=False):
        html = logged_in(thao).get(reverse("dashboard_overview"), {"date": D.isoformat()}).content.decode()
    assert 'id="data-quality"' not in html


def test_a_refused_bound_leaves_nothing_half_saved(tuan):
    with pytest.raises(ReportRefused):
        _save(tuan, "31340", D, at(D, 9), residents_installed=56183, staff_installed=3)
    assert not DailyReport.objects.exists()
