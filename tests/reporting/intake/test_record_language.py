"""Rule 7: stored records are codes with values, worded in the reader's language; the workbook is Vietnamese."""

from __future__ import annotations

import importlib

import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from reporting.models import DailyReport, ReportRevision
from tests.conftest import local
from tests.reporting.excel_support import PREV, SHEETS, D, at, export, submit, token_client, workbook

VI_WARNING = "Số người dân đã cài đặt giảm so với báo cáo ngày 19/08/2020 (1.000 → 900)."
EN_WARNING = "Residents installed is lower than in the report for 19/08/2020 (1,000 → 900)."


def client_in(user, language: str) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _decrease_saved_in_english(lan) -> ReportRevision:
    submit(lan, "31318", PREV, at(PREV, 9), residents_installed=1000)
    with time_machine.travel(at(D, 9), tick=False):
        response = client_in(lan, "en").post(reverse("report_today"), {"date": D.isoformat(),
                                                                       "residents_installed": "900"})
    assert response.status_code == 302
    return ReportRevision.objects.get(date=D)


def test_a_warning_is_stored_as_a_code_with_values_not_words(lan):
    revision = _decrease_saved_in_english(lan)
    assert revision.warnings == [{"field": "residents_installed", "code": "decreased", "previous": 1000,
                                  "previous_date": "2020-08-19", "value": 900}]
    assert DailyReport.objects.get(date=D).warnings == revision.warnings


def test_a_warning_saved_in_english_reads_in_vietnamese_on_the_vietnamese_receipt(lan):
    revision = _decrease_saved_in_english(lan)
    with time_machine.travel(at(D, 10), tick=False):
        receipt = client_in(lan, "vi").get(reverse("report_receipt", args=[revision.pk])).content.decode()
        history = client_in(lan, "vi").get(reverse("report_history")).content.decode()
        english = client_in(lan, "en").get(reverse("report_receipt", args=[revision.pk])).content.decode()
    assert VI_WARNING in receipt and VI_WARNING in history
    assert "went down" not in receipt
    assert EN_WARNING in english


def test_the_api_words_a_warning_by_accept_language(lan):
    _decrease_saved_in_english(lan)
    with time_machine.travel(at(D, 10), tick=False):
        english = token_client(lan).get("/api/v1/units/31318/reports/2020-08-20/", HTTP_ACCEPT_LANGUAGE="en")
        vietnamese = token_client(lan).get("/api/v1/units/31318/reports/2020-08-20/", HTTP_ACCEPT_LANGUAGE="vi")
    assert english.json()["warnings"][0]["message"] == EN_WARNING
    assert vietnamese.json()["warnings"][0]["message"] == VI_WARNING
    assert english.json()["warnings"][0]["code"] == "decreased" and english.json()["warnings"][0]["value"] == 900


def test_existing_worded_warnings_are_migrated_to_codes(lan):
    submit(lan, "31318", PREV, at(PREV, 9), residents_installed=1000)
    submit(lan, "31318", D, at(D, 9), residents_installed=900)
    english = [{"field": "residents_installed", "code": "decreased", "previous": 1000, "previous_date": "2020-08-19",
                "message": "Residents installed went down against the report of 19/08/2020 (1,000 → 900)."}]
    DailyReport.objects.filter(date=D).update(warnings=english)
    ReportRevision.objects.filter(date=D).update(warnings=english)
    migration = importlib.import_module("reporting.migrations.0013_warnings_as_codes")
    for model in (DailyReport, ReportRevision):
        migration._drop_messages(model)
    expected = [{"field": "residents_installed", "code": "decreased", "previous": 1000,
                 "previous_date": "2020-08-19", "value": 900}]
    assert DailyReport.objects.get(date=D).warnings == expected
    assert ReportRevision.objects.get(date=D).warnings == expected
    assert DailyReport.objects.get(date=PREV).warnings == []


# ---------------------------------------------------------------- the workbook

def test_an_english_interface_download_is_the_vietnamese_official_form(thao, lan):
    submit(lan, "31318", D, at(D, 9), residents_installed=1000)
    with time_machine.travel(local(2020, 8, 20, 16), tick=False):
        api = export(token_client(thao), date=D.isoformat(), HTTP_ACCEPT_LANGUAGE="en")
        page = client_in(thao, "en").get(reverse("excel_export"), {"date": D.isoformat()})
    for response in (api, page):
        assert response.status_code == 200
        wb = workbook(response)
        assert wb.sheetnames == SHEETS
        assert wb[SHEETS[0]]["A1"].value == "UBND TỈNH HẬU GIANG"


def test_an_english_copy_only_when_asked(thao, lan):
    submit(lan, "31318", D, at(D, 9), residents_installed=1000)
    with time_machine.travel(local(2020, 8, 20, 16), tick=False):
        response = export(token_client(thao), date=D.isoformat(), lang="en")
        refused = export(token_client(thao), date=D.isoformat(), lang="fr")
    names = workbook(response).sheetnames
    assert names[0] == "Summary" and "Tổng hợp" not in names
    assert refused.status_code == 400 and "lang" in refused.json()


def test_the_flags_board_words_a_late_reports_warning_for_the_reader(lan, thao):
    from reporting.watch.flagging import missed_deadlines_flag

    submit(lan, "31318", PREV, at(PREV, 9), residents_installed=1000)
    missed_deadlines_flag(now=at(D, 15, 5))  # the day closes after 15:00 and its grace
    with time_machine.travel(at(D, 16), tick=False):
        client_in(lan, "en").post(reverse("report_today"), {"date": D.isoformat(), "residents_installed": "900"})
        vietnamese = client_in(thao, "vi").get(reverse("flags_board"), {"date": D.isoformat()}).content.decode()
        english = client_in(thao, "en").get(reverse("flags_board"), {"date": D.isoformat()}).content.decode()
    assert VI_WARNING in vietnamese and EN_WARNING in english
