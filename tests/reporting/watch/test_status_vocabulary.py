"""One status vocabulary on every page, the API and the workbook; excuses can be withdrawn; the Ministry's figure."""

from __future__ import annotations

import logging
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from reporting.models import MissedDeadline
from reporting.watch.compliance import STATUSES, ReportStatus
from reporting.watch.excuses import ExcuseRefused, missed_deadline_excuse, missed_deadline_excuse_withdraw
from reporting.watch.flagging import missed_deadlines_flag
from tests.conftest import local
from tests.reporting.excel_support import COMMUNES, CORRECTIONS, export, row_named, token_client, workbook
from tests.reporting.excel_support import submit as submit_values
from tests.reporting.flag_support import D1, D2, after_deadline, submit

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def excused(campaign, lan, hoa, thao):
    """13/08: Lan (Phường I) on time, Hoà (Xã Vị Tân) missed the deadline and was excused."""
    submit(lan, D1, local(2020, 8, 13, 9))
    missed_deadlines_flag(now=after_deadline(D1))
    flag = MissedDeadline.objects.get(unit__code="31333", date=D1)
    missed_deadline_excuse(user=thao, flag=flag, reason="Bão lớn, mất điện", now=local(2020, 8, 13, 15, 30))
    return flag


def test_the_statuses_are_one_set_of_choices():
    assert STATUSES == ("on_time", "late", "missing", "excused", "not_yet")
    assert [str(s.label) for s in ReportStatus] == ["Đúng hạn", "Trễ hạn", "Chưa báo cáo", "Được miễn", "Chưa đến hạn"]


def test_an_excused_unit_reads_excused_on_every_page_and_in_the_api(excused, thao):
    client = logged_in(thao)
    query = {"date": D1.isoformat()}
    with time_machine.travel(local(2020, 8, 13, 16), tick=False):
        board = client.get(reverse("dashboard_compliance"), {**query, "unit": "930"}).content.decode()
        district = client.get(reverse("dashboard_district", args=["930"]), query).content.decode()
        flags = client.get(reverse("flags_board"), query).content.decode()
        api = token_client(thao).get("/api/v1/compliance/", query).json()
        api_flags = token_client(thao).get("/api/v1/flags/", query).json()
        wb = workbook(export(token_client(thao), date=D1.isoformat(), as_at="now"))
    assert re.search(r'<tr data-code="31333">\s*<th[^>]*>[^<]*</th>\s*<td class="cell s-excused" title="Được miễn', board)
    assert re.search(r'<tr data-code="31333">.*?data-status="excused">Được miễn</span>', district, re.S)
    assert re.search(r'<tr data-code="31318">.*?data-status="on_time">Đúng hạn</span>', district, re.S)
    assert 'data-code="31333" data-status="excused"' in flags
    assert "31333" in api["excused"] and api["labels"]["excused"] == "Được miễn"
    (hoa,) = [f for f in api_flags if f["unit"] == "31333"]
    assert (hoa["status"], hoa["status_label"]) == ("excused", "Được miễn")
    assert row_named(wb[COMMUNES], "Xã Vị Tân")[11] == "Được miễn"
    assert "Chưa có" not in district


def test_the_api_labels_follow_accept_language(excused, thao):
    with time_machine.travel(local(2020, 8, 13, 16), tick=False):
        api = token_client(thao).get("/api/v1/compliance/", {"date": D1.isoformat()}, HTTP_ACCEPT_LANGUAGE="en")
    assert api.json()["labels"] == {"on_time": "On time", "late": "Late", "missing": "Not reported",
                                    "excused": "Excused", "not_yet": "Not yet due"}


def test_a_reviewer_withdraws_an_excuse_on_the_flags_board(excused, thao, caplog):
    client = logged_in(thao)
    with caplog.at_level(logging.INFO, logger="bluezone.audit"):
        response = client.post(f"/chua-bao-cao/31333/{D1.isoformat()}/thu-hoi-mien/")
    assert response.status_code == 302
    flag = MissedDeadline.objects.get(pk=excused.pk)
    assert (flag.excused, flag.excuse_reason, flag.excused_by, flag.excused_at) == (False, "", None, None)
    (record,) = [r for r in caplog.records if r.name == "bluezone.audit" and "withdrawn" in r.getMessage()]
    assert "user=thao" in record.getMessage() and "unit=31333" in record.getMessage()
    assert "reason=Bão lớn, mất điện" in record.getMessage() and "excused_by=thao" in record.getMessage()
    with time_machine.travel(local(2020, 8, 13, 16), tick=False):
        html = client.get(response["Location"]).content.decode()
    assert "Đã thu hồi việc miễn ngày 13/08/2020 của Xã Vị Tân." in html
    assert 'data-code="31333" data-status="missing"' in html


def test_a_reviewer_withdraws_an_excuse_through_the_api(excused, thao):
    with time_machine.travel(local(2020, 8, 13, 16), tick=False):
        response = token_client(thao).delete(f"/api/v1/flags/31333/{D1.isoformat()}/excuse/")
        again = token_client(thao).delete(f"/api/v1/flags/31333/{D1.isoformat()}/excuse/")
    assert response.status_code == 200
    assert (response.json()["excused"], response.json()["status"]) == (False, "missing")
    assert again.status_code == 400 and "chưa được miễn" in again.json()["non_field_errors"][0]


@pytest.mark.parametrize("who", ["lan", "quang"])
def test_only_reviewers_withdraw_an_excuse(excused, request, who):
    user = request.getfixturevalue(who)
    with time_machine.travel(local(2020, 8, 13, 16), tick=False):
        api = token_client(user).delete(f"/api/v1/flags/31333/{D1.isoformat()}/excuse/")
        page = logged_in(user).post(f"/chua-bao-cao/31333/{D1.isoformat()}/thu-hoi-mien/")
    assert api.status_code in (403, 404) and page.status_code in (403, 404)
    assert MissedDeadline.objects.get(pk=excused.pk).excused is True
    with pytest.raises(ExcuseRefused):
        missed_deadline_excuse_withdraw(user=user, flag=excused)


def test_a_withdrawn_excuse_can_be_given_again(excused, thao):
    missed_deadline_excuse_withdraw(user=thao, flag=excused)
    flag = missed_deadline_excuse(user=thao, flag=excused, reason="Đúng là mất điện")
    assert flag.excused and flag.excuse_reason == "Đúng là mất điện"


# ---------------------------------------------------------------- the Ministry's figure

def test_dics_official_figure_after_15h_is_the_ministrys_figure_not_a_late_province(campaign, thao, lan):
    submit_values(lan, "31318", D2, local(2020, 8, 14, 15, 30), residents_installed=900)
    submit_values(thao, "93", D2, local(2020, 8, 14, 16), residents_installed=130000)
    with time_machine.travel(local(2020, 8, 14, 17), tick=False):
        wb = workbook(export(token_client(thao), date=D2.isoformat()))
        history = logged_in(thao).get(reverse("report_history"), {"don_vi": "93"}).content.decode()
    province = row_named(wb[CORRECTIONS], "Tỉnh Hậu Giang")
    assert province[4] == "Số liệu chính thức của Bộ" and province[-1] in (None, "")
    assert row_named(wb[CORRECTIONS], "Phường I")[4] == "Báo cáo lần đầu (trễ hạn)"
    assert "Số liệu chính thức của Bộ" in history and "status-late" not in history
