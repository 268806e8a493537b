"""The "Báo cáo hôm nay" form and its receipt: rules 2, 5 and 6 through the browser."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reporting.intake.services import report_submit
from reporting.models import DailyReport, ReportRevision
from tests.conftest import local, unit
from units.services import user_create

pytestmark = pytest.mark.django_db

TODAY = "2020-08-20"


def counts() -> tuple[int, int]:
    return DailyReport.objects.count(), ReportRevision.objects.count()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def row(html: str, name: str) -> str:
    """The table row of the unit called `name` (exact cell text)."""
    match = re.search(rf'<tr>\s*<td><a href="[^"]*">{re.escape(name)}</a>.*?</tr>', html, re.S)
    assert match, f"no row for {name}"
    return match.group(0)


def submit(client: Client, url: str, **values) -> object:
    data = {"date": TODAY, **values}
    return client.post(url, data)


# --- the form ---------------------------------------------------------------


def test_commune_form_has_four_counts_and_the_time_left_before_15h(lan):
    with time_machine.travel(local(2020, 8, 20, 12, 45), tick=False):
        response = logged_in(lan).get(reverse("report_today"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Phường I" in html and "20/08/2020" in html
    assert "Còn 2 giờ 15 phút đến hạn 15:00" in html
    for name in ("residents_installed", "staff_installed", "family_installed", "assisted_installs"):
        assert re.search(rf'<input[^>]*name="{name}"[^>]*inputmode="numeric"|<input[^>]*inputmode="numeric"[^>]*name="{name}"', html)
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="late_reason"' not in html
    assert "Tổng số của đơn vị: 5.628" in html


def test_form_after_15h_says_the_report_will_be_late_and_asks_for_a_reason(lan):
    with time_machine.travel(local(2020, 8, 20, 15, 0, 0), tick=False):
        html = logged_in(lan).get(reverse("report_today")).content.decode()
    assert "Đã quá hạn 15:00 — báo cáo sẽ được ghi nhận là trễ" in html
    assert 'name="late_reason"' in html


def test_form_is_prefilled_with_the_latest_earlier_report(lan):
    report_submit(user=lan, unit=lan.unit, day=local(2020, 8, 18).date(),
                  values={"residents_installed": 1234, "staff_installed": 20}, now=local(2020, 8, 18, 9))
    with time_machine.travel(local(2020, 8, 20, 9), tick=False):
        html = logged_in(lan).get(reverse("report_today")).content.decode()
    assert re.search(r'name="residents_installed"[^>]*value="1234"|value="1234"[^>]*name="residents_installed"', html)
    assert "báo cáo ngày 18/08/2020" in html


def test_agency_form_has_no_residents_field(dung):
    with time_machine.travel(local(2020, 8, 20, 9), tick=False):
        html = logged_in(dung).get(reverse("report_today")).content.decode()
    assert 'name="residents_installed"' not in html
    assert 'name="staff_installed"' in html and "Tổng số của đơn vị: 300" in html


# --- submitting, receipt, timeliness -----------------------------------------


def test_report_at_14_59_59_is_on_time_and_the_receipt_says_so(lan):
    client = logged_in(lan)
    with time_machine.travel(local(2020, 8, 20, 14, 59, 59), tick=False):
        response = submit(client, reverse("report_today"), residents_installed="1234", staff_installed="25",
                          note="Đã vận động tại chợ")
        assert response.status_code == 302
        receipt = client.get(response["Location"])
    report = DailyReport.objects.get(unit__code="31318", date=TODAY)
    revision = report.revisions.get()
    assert report.on_time is True and report.residents_installed == 1234 and report.note == "Đã vận động tại chợ"
    assert revision.channel == "web" and revision.ip_address == "127.0.0.1" and revision.author == lan
    assert response["Location"] == reverse("report_receipt", args=[revision.pk])
    html = receipt.content.decode()
    assert "Biên nhận báo cáo" in html
    assert "20/08/2020 14:59:59" in html
    assert "Đúng hạn" in html and "Trễ hạn" not in html
    assert "Lần 1" in html and "1.234" in html and "Đã vận động tại chợ" in html


def test_report_at_15_00_00_is_late_and_keeps_its_late_reason(lan):
    client = logged_in(lan)
    with time_machine.travel(local(2020, 8, 20, 15, 0, 0), tick=False):
        response = submit(client, reverse("report_today"), residents_installed="1234",
                          late_reason="Mất điện buổi chiều")
        receipt = client.get(response["Location"]).content.decode()
    report = DailyReport.objects.get(unit__code="31318", date=TODAY)
    assert report.on_time is False and report.late_reason == "Mất điện buổi chiều"
    assert "20/08/2020 15:00:00" in receipt and "Trễ hạn" in receipt and "Mất điện buổi chiều" in receipt


def test_correction_after_15h_keeps_the_on_time_judgement(lan):
    with time_machine.travel(local(2020, 8, 20, 10), tick=False):
        submit(logged_in(lan), reverse("report_today"), residents_installed="1000")
    with time_machine.travel(local(2020, 8, 20, 17, 5, 9), tick=False):
        client = logged_in(lan)  # a new session: the morning one has timed out
        page = client.get(reverse("report_today")).content.decode()
        response = submit(client, reverse("report_today"), residents_installed="1100")
        receipt = client.get(response["Location"]).content.decode()
    assert 'name="late_reason"' not in page  # the day's report is already on time
    assert "Lần 2" in receipt and "20/08/2020 17:05:09" in receipt and "Đúng hạn" in receipt
    report = DailyReport.objects.get(unit__code="31318", date=TODAY)
    assert report.on_time and report.revision_count == 2 and report.residents_installed == 1100


def test_lower_count_than_previous_report_is_saved_with_a_warning_on_the_receipt(lan):
    report_submit(user=lan, unit=lan.unit, day=local(2020, 8, 19).date(),
                  values={"residents_installed": 1000}, now=local(2020, 8, 19, 9))
    client = logged_in(lan)
    with time_machine.travel(local(2020, 8, 20, 9), tick=False):
        response = submit(client, reverse("report_today"), residents_installed="900")
        receipt = client.get(response["Location"]).content.decode()
    assert DailyReport.objects.get(unit__code="31318", date=TODAY).residents_installed == 900
    assert "Số người dân đã cài đặt giảm so với báo cáo ngày 19/08/2020 (1.000 → 900)." in receipt


# --- while the campaign is over ---------------------------------------------


def test_form_opens_on_30_08_2020_when_the_campaign_is_over_and_accepts_a_past_day_as_late(lan):
    client = logged_in(lan)
    with time_machine.travel(local(2026, 3, 2, 9), tick=False):
        html = client.get(reverse("report_today")).content.decode()
        assert 'name="date" value="2020-08-30"' in html
        options = re.findall(r'<option value="(\d{4}-\d\d-\d\d)"( selected)?>', html)
        assert [d for d, _ in options] == [f"2020-08-{d:02d}" for d in range(30, 12, -1)]
        assert dict(options)["2020-08-30"] == " selected"
        assert "không còn diễn ra" in html
        chosen = client.get(reverse("report_today"), {"ngay": "2020-08-25"}).content.decode()
        assert 'name="date" value="2020-08-25"' in chosen
        response = client.post(reverse("report_today"), {"date": "2020-08-25", "residents_installed": "2500"})
        receipt = client.get(response["Location"]).content.decode()
    report = DailyReport.objects.get(unit__code="31318", date="2020-08-25")
    assert report.on_time is False and report.residents_installed == 2500
    assert "25/08/2020" in receipt and "Trễ hạn" in receipt


def test_a_future_day_in_the_address_falls_back_to_today(lan):
    with time_machine.travel(local(2020, 8, 20, 9), tick=False):
        html = logged_in(lan).get(reverse("report_today"), {"ngay": "2020-08-21"}).content.decode()
    assert "Không thể báo cáo cho ngày 21/08/2020" in html
    assert 'name="date" value="2020-08-20"' in html
    assert '<option value="2020-08-21"' not in html


@pytest.mark.parametrize("raw", ["2020-08-21", "2020-09-01", "hôm qua"])
def test_posting_a_day_that_is_not_open_saves_nothing(lan, raw):
    before = counts()
    with time_machine.travel(local(2020, 8, 20, 9), tick=False):
        response = logged_in(lan).post(reverse("report_today"), {"date": raw, "residents_installed": "10"})
    assert response.status_code == 200
    assert counts() == before
    html = response.content.decode()
    assert "Chưa lưu báo cáo" in html
    assert any(m in html for m in ("chưa đến", "ngoài thời gian chiến dịch", "Ngày báo cáo không hợp lệ"))


# --- bad input ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("-5", "Số người dân đã cài đặt: không được là số âm."),
        ("12,5", "Số người dân đã cài đặt: “12,5” không phải số nguyên. Số liệu là số người nên phải là số nguyên, "
                 "ví dụ 1450 hoặc 1.450"),
        ("nhiều", "Số người dân đã cài đặt: “nhiều” không phải một số. Hãy nhập số nguyên không âm, "
                  "ví dụ 1450, 1.450 hoặc 1 450."),
        ("5629", "Số người dân đã cài đặt: 5.629 vượt quá dân số 5.628 của Phường I."),
        ("5.629", "Số người dân đã cài đặt: 5.629 vượt quá dân số 5.628 của Phường I."),
    ],
)
def test_bad_count_is_refused_next_to_its_field_and_nothing_is_saved(lan, raw, message):
    before = counts()
    with time_machine.travel(local(2020, 8, 20, 9), tick=False):
        response = submit(logged_in(lan), reverse("report_today"), residents_installed=raw, staff_installed="7",
                          note="giữ lại")
    html = response.content.decode()
    assert response.status_code == 200
    assert counts() == before
    # The message sits right after the residents input, and what the user typed is still there.
    field = re.search(r'<div class="field has-error">.*?</div>', html, re.S).group(0)
    assert 'name="residents_installed"' in field and message in field
    assert f'value="{raw}"' in field
    assert re.search(r'name="staff_installed"[^>]*value="7"|value="7"[^>]*name="staff_installed"', html)
    assert "giữ lại" in html


def test_empty_report_is_refused(lan):
    before = counts()
    with time_machine.travel(local(2020, 8, 20, 9), tick=False):
        response = submit(logged_in(lan), reverse("report_today"))
    assert counts() == before and "Cần nhập ít nhất một số liệu." in response.content.decode()


def test_post_without_csrf_token_is_refused(lan):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lan)
    before = counts()
    with time_machine.travel(local(2020, 8, 20, 9), tick=False):
        response = submit(client, reverse("report_today"), residents_installed="10")
    assert response.status_code == 403 and counts() == before


# --- district users -------------------------------------------------------------


def test_district_user_sees_its_communes_with_the_days_status(minh, lan, hoa):
    report_submit(user=lan, unit=lan.unit, day=local(2020, 8, 20).date(),
                  values={"residents_installed": 1500}, now=local(2020, 8, 20, 10))
    report_submit(user=hoa, unit=hoa.unit, day=local(2020, 8, 20).date(),
                  values={"residents_installed": 2500}, now=local(2020, 8, 20, 15, 30))
    report_submit(user=minh, unit=unit("31321"), day=local(2020, 8, 19).date(),
                  values={"residents_installed": 700}, now=local(2020, 8, 19, 10))
    client = logged_in(minh)
    with time_machine.travel(local(2020, 8, 20, 16), tick=False):
        html = client.get(reverse("report_today")).content.decode()
    assert "Thành phố Vị Thanh" in html
    assert "Đúng hạn" in row(html, "Phường I") and "1.500" in row(html, "Phường I")
    assert "Trễ hạn" in row(html, "Xã Vị Tân") and "2.500" in row(html, "Xã Vị Tân")
    # Phường III reported yesterday only: carried forward, and missing today (the one status vocabulary).
    assert "Chưa báo cáo" in row(html, "Phường III") and "status-missing" in row(html, "Phường III")
    assert '<span class="installed">700 <span class="muted">(số liệu ngày 19/08)</span>' in row(html, "Phường III")
    assert f'href="/bao-cao/31321/?ngay={TODAY}"' in row(html, "Phường III")
    assert html.count("<tr>") == 1 + 9  # header + the nine wards and communes of Vị Thanh
    assert '<span class="installed">1.500</span>' in row(html, "Phường I")
    with time_machine.travel(local(2020, 8, 20, 11), tick=False):
        before = logged_in(minh).get(reverse("report_today")).content.decode()
    assert "Chưa đến hạn" in row(before, "Phường III") and "status-missing" not in row(before, "Phường III")


def test_district_user_submits_for_one_of_its_communes(minh):
    client = logged_in(minh)
    url = reverse("report_unit", args=["31318"])
    with time_machine.travel(local(2020, 8, 20, 9), tick=False):
        page = client.get(url, {"ngay": TODAY}).content.decode()
        response = submit(client, url, residents_installed="1800")
        receipt = client.get(response["Location"]).content.decode()
    assert "Phường I" in page and 'name="residents_installed"' in page and "Quay lại Thành phố Vị Thanh" in page
    report = DailyReport.objects.get(unit__code="31318", date=TODAY)
    assert report.residents_installed == 1800 and report.first_submitted_by == minh and report.on_time
    assert "Phường I" in receipt and "1.800" in receipt


def test_district_user_cannot_type_residents_for_the_district_itself(minh):
    client = logged_in(minh)
    before = counts()
    with time_machine.travel(local(2020, 8, 20, 9), tick=False):
        page = client.get(reverse("report_today")).content.decode()
        response = submit(client, reverse("report_today"), residents_installed="40000", staff_installed="120")
    assert 'name="residents_installed"' not in row_free(page)
    assert response.status_code == 200 and counts() == before
    assert "Số người dân đã cài đặt: không nhập cho Thành phố Vị Thanh" in response.content.decode()


def row_free(html: str) -> str:
    """The page without the communes table (the form only)."""
    return html.split('id="children-title"')[0]


def test_district_list_costs_the_same_queries_whatever_the_number_of_communes(minh, hau_giang):
    bigger, _, _ = user_create(username="phunghiep", role="reporter", unit_code="934", password="Mat-khau-2020")
    assert unit("934").children.count() > unit("930").children.count()
    measured = []
    for user in (minh, bigger):
        client = logged_in(user)
        with time_machine.travel(local(2020, 8, 20, 9), tick=False), CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("report_today")).status_code == 200
        measured.append(len(ctx.captured_queries))
    assert measured[0] == measured[1]


# --- access (rule 6) --------------------------------------------------------------


@pytest.mark.parametrize("code", ["31333", "31340", "930", "93", "SYT"])
def test_commune_user_cannot_open_or_submit_another_unit(lan, hoa, tuan, code):
    client = logged_in(lan)
    url = reverse("report_unit", args=[code])
    before = counts()
    with time_machine.travel(local(2020, 8, 20, 9), tick=False):
        read = client.get(url, {"ngay": TODAY})
        write = submit(client, url, residents_installed="10")
    assert read.status_code == 404 and write.status_code == 404
    assert counts() == before
    name = unit(code).name
    assert name not in read.content.decode() and name not in write.content.decode()


def test_commune_user_cannot_read_another_communes_receipt(lan, hoa):
    saved = report_submit(user=hoa, unit=hoa.unit, day=local(2020, 8, 20).date(),
                          values={"residents_installed": 4321}, now=local(2020, 8, 20, 9))
    with time_machine.travel(local(2020, 8, 20, 10), tick=False):
        response = logged_in(lan).get(reverse("report_receipt", args=[saved.revision.pk]))
    assert response.status_code == 404
    assert "4.321" not in response.content.decode() and "Xã Vị Tân" not in response.content.decode()


def test_district_user_reads_its_communes_receipt(minh, hoa):
    saved = report_submit(user=hoa, unit=hoa.unit, day=local(2020, 8, 20).date(),
                          values={"residents_installed": 4321}, now=local(2020, 8, 20, 9))
    with time_machine.travel(local(2020, 8, 20, 10), tick=False):
        response = logged_in(minh).get(reverse("report_receipt", args=[saved.revision.pk]))
    assert response.status_code == 200 and "4.321" in response.content.decode()


def test_reviewer_cannot_submit_a_commune_report(thao):
    client = logged_in(thao)
    before = counts()
    with time_machine.travel(local(2020, 8, 20, 9), tick=False):
        assert client.get(reverse("report_today"))["Location"] == reverse("official_figure")
        assert client.get(reverse("report_unit", args=["31318"])).status_code == 404
        assert submit(client, reverse("report_unit", args=["31318"]), residents_installed="10").status_code == 404
        assert submit(client, reverse("report_unit", args=["93"]), residents_installed="10").status_code == 404
    assert counts() == before


def test_viewer_can_not_submit_any_report(quang):
    client = logged_in(quang)
    before = counts()
    with time_machine.travel(local(2020, 8, 20, 9), tick=False):
        assert client.get(reverse("report_today")).status_code == 403
        assert submit(client, reverse("report_today"), residents_installed="10").status_code == 403
        assert submit(client, reverse("report_unit", args=["31318"]), residents_installed="10").status_code == 404
    assert counts() == before


@pytest.mark.parametrize("path", ["/bao-cao/", "/bao-cao/31318/", "/bao-cao/bien-nhan/1/"])
def test_anonymous_is_sent_to_the_login_page(hau_giang, client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith(f"{reverse('login')}?next=")
    before = counts()
    response = client.post(path, {"date": TODAY, "residents_installed": "10"})
    assert response.status_code == 302 and counts() == before
