"""The "Chưa báo cáo" page (/chua-bao-cao/)."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.urls import reverse

from reporting.models import DailyReport, MissedDeadline
from reporting.watch.flagging import missed_deadlines_flag
from tests.conftest import local
from tests.reporting.flag_support import D1, D2, after_deadline, due_units, submit

URL = "/chua-bao-cao/"


def rows(html: str) -> dict[str, str]:
    """data-code → data-status of the board's table rows."""
    return dict(re.findall(r'<tr data-code="([^"]+)" data-status="([^"]+)"', html))


@pytest.fixture
def board(campaign, lan, hoa, tuan):
    """13/08: Lan on time, Hoà late at 15:01. 14/08: Tuấn on time. Flags through the 14th."""
    lan.email, lan.phone = "lan@phuong1.vn", "0939 123 456"
    lan.save()
    submit(lan, D1, local(2020, 8, 13, 9))
    missed_deadlines_flag(now=after_deadline(D1))
    submit(hoa, D1, local(2020, 8, 13, 15, 1))
    submit(tuan, D2, local(2020, 8, 14, 9))
    missed_deadlines_flag(now=after_deadline(D2))
    return campaign


def test_the_url_name_is_flags_board():
    assert reverse("flags_board") == URL


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login(campaign, client):
    response = client.get(URL)
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


@pytest.mark.django_db
def test_reviewer_sees_missing_and_late_units_with_their_contacts(board, client, thao):
    client.force_login(thao)
    response = client.get(f"{URL}?date=2020-08-14")
    html = response.content.decode()
    assert response.status_code == 200
    board_rows = rows(html)
    assert set(board_rows) == {u.code for u in due_units()} - {"31340"}
    assert board_rows["31318"] == "missing"
    assert "lan@phuong1.vn" in html and "0939 123 456" in html
    assert "Chưa báo cáo đúng hạn — ngày 14/08/2020" in html
    assert 'name="csrfmiddlewaretoken"' in html and 'name="reason"' in html
    assert 'action="/chua-bao-cao/31318/2020-08-14/mien/"' in html
    day1 = rows(client.get(f"{URL}?date=2020-08-13").content.decode())
    assert day1["31333"] == "late" and "31318" not in day1


@pytest.mark.django_db
def test_the_board_shows_late_time_and_consecutive_misses(board, client, thao):
    client.force_login(thao)
    html = client.get(f"{URL}?date=2020-08-13").content.decode()
    assert "nộp lúc 15:01 13/08/2020" in html
    html2 = client.get(f"{URL}?date=2020-08-14").content.decode()
    row = re.search(r'<tr data-code="31333".*?</tr>', html2, re.S).group(0)
    assert re.search(r'<td class="num"[^>]*>2</td>', row) and "Đã báo cấp trên" in row
    assert 'id="escalated"' in html2 and "Xã Vị Tân (31333)" in html2


@pytest.mark.django_db
def test_the_default_day_is_the_campaign_default_day(board, client, thao):
    client.force_login(thao)
    with time_machine.travel(local(2020, 8, 14, 16), tick=False):
        html = client.get(URL).content.decode()
    assert "ngày 14/08/2020" in html
    assert '<option value="2020-08-14" selected>' in html
    assert html.count("<option value=") == len(board.days())


@pytest.mark.django_db
def test_before_the_deadline_units_are_not_yet_due(campaign, client, thao, lan):
    client.force_login(thao)
    submit(lan, D2, local(2020, 8, 14, 9))
    with time_machine.travel(local(2020, 8, 14, 14, 59, 59), tick=False):
        html = client.get(f"{URL}?date=2020-08-14").content.decode()
    statuses = set(rows(html).values())
    assert statuses == {"not_yet"} and "31318" not in rows(html)
    assert "Chưa đến hạn báo cáo (15:00)" in html


@pytest.mark.django_db
@pytest.mark.parametrize(("date", "message"), [
    ("14-08-2020", "không hợp lệ"), ("2020-09-30", "nằm ngoài chiến dịch"), ("2020-02-31", "không hợp lệ"),
])
def test_a_bad_date_says_so_and_shows_the_default_day(board, client, thao, date, message):
    client.force_login(thao)
    response = client.get(f"{URL}?date={date}")
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.django_db
def test_reviewer_excuses_a_day_from_the_page(board, client, thao):
    client.force_login(thao)
    response = client.post("/chua-bao-cao/31318/2020-08-14/mien/", {"reason": "Mất điện toàn phường"})
    assert response.status_code == 302 and response["Location"] == f"{URL}?date=2020-08-14"
    flag = MissedDeadline.objects.get(unit__code="31318", date=D2)
    assert flag.excused and flag.excuse_reason == "Mất điện toàn phường" and flag.excused_by == thao
    html = client.get(response["Location"]).content.decode()
    assert "Đã miễn ngày 14/08/2020 cho Phường I." in html
    assert rows(html)["31318"] == "excused"


@pytest.mark.django_db
def test_an_excuse_without_a_reason_is_refused_on_the_page(board, client, thao):
    client.force_login(thao)
    response = client.post("/chua-bao-cao/31318/2020-08-14/mien/", {"reason": "  "})
    assert response.status_code == 400
    assert "Lý do miễn: bắt buộc nhập." in response.content.decode()
    assert not MissedDeadline.objects.get(unit__code="31318", date=D2).excused


@pytest.mark.django_db
def test_the_excuse_form_needs_the_csrf_token(board, thao):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(thao)
    assert client.post("/chua-bao-cao/31318/2020-08-14/mien/", {"reason": "x"}).status_code == 403
    assert not MissedDeadline.objects.get(unit__code="31318", date=D2).excused


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["lan", "quang"])
def test_reporters_and_viewers_cannot_excuse(board, client, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post("/chua-bao-cao/31318/2020-08-14/mien/", {"reason": "Xin miễn"})
    assert response.status_code == 403
    assert not MissedDeadline.objects.filter(excused=True).exists()


@pytest.mark.django_db
def test_a_viewer_reads_the_board_without_excuse_forms(board, client, quang):
    client.force_login(quang)
    html = client.get(f"{URL}?date=2020-08-14").content.decode()
    assert len(rows(html)) == len(due_units()) - 1
    assert 'name="reason"' not in html
    assert "lan@phuong1.vn" in html


@pytest.mark.django_db
def test_a_reporter_sees_only_its_own_units_flags(board, client, hoa):
    client.force_login(hoa)
    html = client.get(f"{URL}?date=2020-08-14").content.decode()
    assert set(rows(html)) == {"31333"}
    assert 'name="reason"' not in html and "lan@phuong1.vn" not in html
    own = re.findall(r'<tr data-code="([^"]+)" data-date="([^"]+)"', html)
    assert own == [("31333", "2020-08-14"), ("31333", "2020-08-13")]


@pytest.mark.django_db
def test_a_district_reporter_sees_its_communes(board, client, minh):
    client.force_login(minh)
    codes = set(rows(client.get(f"{URL}?date=2020-08-14").content.decode()))
    assert {"930", "31318", "31333"} <= codes and "31340" not in codes


@pytest.mark.django_db
def test_a_reporter_gives_the_reason_for_a_late_report(board, client, hoa):
    client.force_login(hoa)
    html = client.get(f"{URL}?date=2020-08-13").content.decode()
    assert 'action="/chua-bao-cao/31333/2020-08-13/ly-do-tre/"' in html
    response = client.post("/chua-bao-cao/31333/2020-08-13/ly-do-tre/", {"late_reason": "Mất mạng <b>cả xã</b>"})
    assert response.status_code == 302
    assert DailyReport.objects.get(unit__code="31333", date=D1).late_reason == "Mất mạng <b>cả xã</b>"
    html = client.get(response["Location"]).content.decode()
    assert "Mất mạng &lt;b&gt;cả xã&lt;/b&gt;" in html and "<b>cả xã</b>" not in html


@pytest.mark.django_db
def test_a_reporter_cannot_give_a_reason_for_another_unit(board, client, lan):
    client.force_login(lan)
    assert client.post("/chua-bao-cao/31333/2020-08-13/ly-do-tre/", {"late_reason": "x"}).status_code == 404
    assert DailyReport.objects.get(unit__code="31333", date=D1).late_reason == ""


@pytest.mark.django_db
def test_unit_names_are_escaped(board, client, thao):
    from units.models import Unit

    Unit.objects.filter(code="31318").update(name="<script>alert(1)</script>")
    client.force_login(thao)
    html = client.get(f"{URL}?date=2020-08-14").content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_the_navigation_links_the_board(board, client, thao):
    client.force_login(thao)
    html = client.get(f"{URL}?date=2020-08-14").content.decode()
    assert f'<a href="{URL}" aria-current="page">Chưa báo cáo</a>' in html
