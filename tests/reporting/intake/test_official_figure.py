"""DIC's official province figure, beside the sum of the communes' reports."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from reporting.intake.services import report_submit
from reporting.models import DailyReport, ReportRevision
from tests.conftest import local, unit
from units.services import user_create

pytestmark = pytest.mark.django_db

URL = "/so-lieu-chinh-thuc/"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def counts() -> tuple[int, int]:
    return DailyReport.objects.count(), ReportRevision.objects.count()


def stat(html: str, stat_id: str) -> str:
    block = re.search(rf'<div class="stat" id="{stat_id}">(.*?)</div>\s*</div>', html, re.S).group(1)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", block)).strip()


def test_url_name_is_official_figure():
    assert reverse("official_figure") == URL


def test_reviewer_enters_the_official_figure_and_sees_it_beside_the_reported_sum(thao, lan, hoa):
    report_submit(user=lan, unit=lan.unit, day=local(2020, 8, 20).date(),
                  values={"residents_installed": 1000}, now=local(2020, 8, 20, 9))
    report_submit(user=hoa, unit=hoa.unit, day=local(2020, 8, 19).date(),
                  values={"residents_installed": 2000}, now=local(2020, 8, 19, 9))
    client = logged_in(thao)
    with time_machine.travel(local(2020, 8, 20, 16), tick=False):
        response = client.post(URL, {"date": "2020-08-20", "residents_installed": "60000",
                                     "note": "Bộ TT&TT, 8 giờ sáng"})
        assert response.status_code == 302 and response["Location"] == f"{URL}?ngay=2020-08-20"
        html = client.get(response["Location"]).content.decode()
    report = DailyReport.objects.get(unit__code="93", date="2020-08-20")
    assert report.residents_installed == 60000 and report.note == "Bộ TT&TT, 8 giờ sáng"
    assert report.revisions.get().channel == "web" and report.first_submitted_by == thao
    assert "Đã ghi nhận số liệu chính thức ngày 20/08/2020 (lần 1)." in html
    # 60,000 / 733,017 = 8.19 %; reported = 1,000 + 2,000 carried forward from the 19th.
    assert "60.000 8,19 %" in stat(html, "official")
    assert "3.000 0,41 %" in stat(html, "reported")
    assert "Chênh lệch" in html and "57.000" in html
    assert "Dân số: 733.017" in html
    entries = html.split('id="entries-title"')[1]
    assert "20/08/2020" in entries and "60.000" in entries and "thao" in entries


def test_official_figure_is_carried_forward_and_marked_as_such(thao):
    report_submit(user=thao, unit=unit("93"), day=local(2020, 8, 18).date(),
                  values={"residents_installed": 70000}, now=local(2020, 8, 18, 9))
    with time_machine.travel(local(2020, 8, 20, 9), tick=False):
        html = logged_in(thao).get(URL).content.decode()
    assert "70.000" in stat(html, "official") and "số liệu ngày 18/08/2020" in stat(html, "official")


def test_lower_official_figure_than_the_previous_one_is_saved_with_a_warning(thao):
    report_submit(user=thao, unit=unit("93"), day=local(2020, 8, 19).date(),
                  values={"residents_installed": 70000}, now=local(2020, 8, 19, 9))
    client = logged_in(thao)
    with time_machine.travel(local(2020, 8, 20, 9), tick=False):
        response = client.post(URL, {"date": "2020-08-20", "residents_installed": "65000"}, follow=True)
    assert DailyReport.objects.get(unit__code="93", date="2020-08-20").residents_installed == 65000
    assert "giảm so với báo cáo ngày 19/08/2020 (70.000 → 65.000)" in response.content.decode()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("-1", "Số người dân đã cài đặt: không được là số âm."),
        ("60.000,5", "Số người dân đã cài đặt: “60.000,5” không phải số nguyên."),
        ("733018", "Số người dân đã cài đặt: 733.018 vượt quá dân số 733.017 của Tỉnh Hậu Giang."),
        ("733.018", "Số người dân đã cài đặt: 733.018 vượt quá dân số 733.017 của Tỉnh Hậu Giang."),
        ("", "Cần nhập ít nhất một số liệu."),
    ],
)
def test_bad_official_figure_is_refused_by_name_and_nothing_is_saved(thao, raw, message):
    before = counts()
    with time_machine.travel(local(2020, 8, 20, 9), tick=False):
        response = logged_in(thao).post(URL, {"date": "2020-08-20", "residents_installed": raw})
    assert response.status_code == 200 and counts() == before
    html = response.content.decode()
    assert message in html and "Chưa lưu báo cáo" in html
    if raw:
        assert f'value="{raw}"' in html


def test_official_figure_for_a_future_day_is_refused(thao):
    before = counts()
    with time_machine.travel(local(2020, 8, 20, 9), tick=False):
        response = logged_in(thao).post(URL, {"date": "2020-08-21", "residents_installed": "60000"})
    assert counts() == before and "Ngày báo cáo 21/08/2020 chưa đến." in response.content.decode()


def test_page_opens_on_the_last_campaign_day_when_the_campaign_is_over(thao):
    with time_machine.travel(local(2026, 3, 2, 9), tick=False):
        client = logged_in(thao)
        html = client.get(URL).content.decode()
        assert 'name="date" value="2020-08-30"' in html and "Ngày 30/08/2020" in html
        response = client.post(URL, {"date": "2020-08-27", "residents_installed": "180000"})
    assert response.status_code == 302
    assert DailyReport.objects.get(unit__code="93", date="2020-08-27").residents_installed == 180000


def test_admin_may_enter_the_official_figure(hau_giang):
    admin, _, _ = user_create(username="quantri", role="admin", password="Mat-khau-2020")
    with time_machine.travel(local(2020, 8, 20, 9), tick=False):
        assert logged_in(admin).get(URL).status_code == 200


def test_a_viewer_reads_the_official_figure_without_a_form_and_may_not_enter_it(quang, thao):
    with time_machine.travel(local(2020, 8, 20, 9), tick=False):
        assert logged_in(thao).post(URL, {"date": "2020-08-20", "residents_installed": "60000"}).status_code == 302
        client = logged_in(quang)
        page = client.get(URL)
        before = counts()
        refused = client.post(URL, {"date": "2020-08-20", "residents_installed": "70000"})
    html = page.content.decode()
    assert page.status_code == 200 and "60.000" in html
    assert 'name="residents_installed"' not in html and "Lưu số liệu chính thức" not in html
    assert "Chỉ xem: số liệu chính thức do Sở Thông tin và Truyền thông nhập." in html
    assert refused.status_code == 403 and counts() == before


@pytest.mark.parametrize("who", ["lan", "minh"])
def test_reporters_may_neither_see_nor_enter_the_official_figure(request, who):
    user = request.getfixturevalue(who)
    client = logged_in(user)
    before = counts()
    with time_machine.travel(local(2020, 8, 20, 9), tick=False):
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"date": "2020-08-20", "residents_installed": "60000"}).status_code == 403
    assert counts() == before


def test_anonymous_is_sent_to_login(hau_giang, client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.post(URL, {"date": "2020-08-20", "residents_installed": "1"}).status_code == 302
    assert counts() == (0, 0)
