"""The "Lịch sử báo cáo" page: every revision, old → new, scoped to the user's units."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reporting.intake.services import report_submit
from reporting.models import ReportRevision
from tests.conftest import local, unit

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def history(user, **params) -> str:
    with time_machine.travel(local(2020, 8, 21, 9), tick=False):
        response = logged_in(user).get(reverse("report_history"), params)
    assert response.status_code == 200
    return response.content.decode()


def articles(html: str) -> list[str]:
    return re.findall(r'<article class="card revision">.*?</article>', html, re.S)


def numbers(html: str) -> list[int]:
    return [int(re.search(r"· lần (\d+)", a).group(1)) for a in articles(html)]


def change_row(article: str, label: str) -> list[str]:
    """The cells (before, after) of one field's row in a revision."""
    match = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', article, re.S)
    assert match, f"no row {label}"
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


def test_history_shows_every_revision_with_old_and_new_values_newest_first(lan, minh):
    report_submit(user=lan, unit=lan.unit, day=local(2020, 8, 19).date(),
                  values={"residents_installed": 1000, "staff_installed": 20}, now=local(2020, 8, 19, 9))
    report_submit(user=lan, unit=lan.unit, day=local(2020, 8, 20).date(),
                  values={"residents_installed": 1100, "staff_installed": 20}, now=local(2020, 8, 20, 9))
    report_submit(user=minh, unit=lan.unit, day=local(2020, 8, 20).date(), channel="api",
                  values={"residents_installed": 1250, "staff_installed": 20, "note": "Sửa theo danh sách ấp"},
                  now=local(2020, 8, 20, 16, 30, 5))
    html = history(lan)
    found = articles(html)
    assert len(found) == 3
    newest, middle, oldest = found
    assert "ngày 20/08/2020 · lần 2" in newest and "20/08/2020 16:30:05" in newest
    assert "minh" in newest and "API" in newest
    assert change_row(newest, "Số người dân đã cài đặt") == ["1.100", "1.250"]
    assert change_row(newest, "Số cán bộ đã cài đặt") == ["20", "20"]
    assert change_row(newest, "Ghi chú") == ["—", "Sửa theo danh sách ấp"]
    assert "ngày 20/08/2020 · lần 1" in middle and "Đúng hạn" in middle and "Trang web" in middle
    assert change_row(middle, "Số người dân đã cài đặt") == ["—", "1.100"]
    assert "ngày 19/08/2020 · lần 1" in oldest and "lan" in oldest


def test_district_user_sees_its_communes_history_and_a_commune_only_its_own(lan, hoa, minh, tuan):
    report_submit(user=lan, unit=lan.unit, day=local(2020, 8, 20).date(),
                  values={"residents_installed": 1500}, now=local(2020, 8, 20, 9))
    report_submit(user=hoa, unit=hoa.unit, day=local(2020, 8, 20).date(),
                  values={"residents_installed": 2600}, now=local(2020, 8, 20, 9))
    report_submit(user=tuan, unit=tuan.unit, day=local(2020, 8, 20).date(),
                  values={"residents_installed": 3700}, now=local(2020, 8, 20, 9))
    district = history(minh)
    assert len(articles(district)) == 2
    assert "1.500" in district and "2.600" in district and "3.700" not in district
    commune = history(lan)
    assert len(articles(commune)) == 1
    assert "1.500" in commune and "2.600" not in commune and "Xã Vị Tân" not in commune
    # Asking for another unit by code shows nothing of it.
    asked = history(lan, don_vi="31333")
    assert "2.600" not in asked and "Không tìm thấy đơn vị này" in asked


def test_district_user_can_filter_history_by_unit_and_day(lan, hoa, minh):
    for day in (19, 20):
        report_submit(user=lan, unit=lan.unit, day=local(2020, 8, day).date(),
                      values={"residents_installed": 100 * day}, now=local(2020, 8, day, 9))
        report_submit(user=hoa, unit=hoa.unit, day=local(2020, 8, day).date(),
                      values={"residents_installed": 300 * day}, now=local(2020, 8, day, 9))
    by_unit = articles(history(minh, don_vi="31333"))
    assert len(by_unit) == 2 and all("Xã Vị Tân" in a for a in by_unit)
    by_both = articles(history(minh, don_vi="31333", ngay="2020-08-19"))
    assert len(by_both) == 1 and "5.700" in by_both[0]


def test_history_is_paginated(lan):
    for n in range(25):
        report_submit(user=lan, unit=lan.unit, day=local(2020, 8, 20).date(),
                      values={"residents_installed": 1000 + n}, now=local(2020, 8, 20, 8, n))
    first, second = history(lan), history(lan, trang="2")
    assert "Trang 1/2" in first and "Trang 2/2" in second
    assert numbers(first) == list(range(25, 5, -1))
    assert numbers(second) == [5, 4, 3, 2, 1]
    assert ReportRevision.objects.count() == 25


def test_history_page_costs_the_same_queries_for_2_or_20_revisions(lan, hoa, minh):
    def measure() -> int:
        client = logged_in(minh)
        with time_machine.travel(local(2020, 8, 21, 9), tick=False), CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("report_history")).status_code == 200
        return len(ctx.captured_queries)

    for user in (lan, hoa):
        report_submit(user=user, unit=user.unit, day=local(2020, 8, 20).date(),
                      values={"residents_installed": 100}, now=local(2020, 8, 20, 9))
    few = measure()
    for n in range(9):
        for user in (lan, hoa):
            report_submit(user=user, unit=user.unit, day=local(2020, 8, 20).date(),
                          values={"residents_installed": 200 + n, "note": f"lần {n}"}, now=local(2020, 8, 20, 10, n))
    assert ReportRevision.objects.count() == 20
    assert measure() == few


@pytest.mark.parametrize("params", [{"ngay": "20/08/2020"}, {"trang": "abc"}, {"trang": "99"}, {"don_vi": "x" * 300}])
def test_odd_query_strings_never_break_the_history(lan, params):
    report_submit(user=lan, unit=lan.unit, day=local(2020, 8, 20).date(),
                  values={"residents_installed": 10}, now=local(2020, 8, 20, 9))
    html = history(lan, **params)
    assert "Lịch sử báo cáo" in html


def test_viewer_and_reviewer_read_every_units_history(quang, thao, tuan):
    report_submit(user=tuan, unit=unit("31340"), day=local(2020, 8, 20).date(),
                  values={"residents_installed": 3700}, now=local(2020, 8, 20, 9))
    assert "3.700" in history(quang) and "3.700" in history(thao)


def test_anonymous_is_sent_to_login(hau_giang, client):
    response = client.get(reverse("report_history"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
