"""Hostile input the schema fuzzer does not reach: browser pages, e-mails, admin, log lines.

API bodies with NUL bytes, huge integers, 10,000-character notes and malformed
JSON are covered in tests/reporting/api/test_api_reports.py
(test_hostile_values_are_400_naming_the_field_and_save_nothing,
test_a_body_that_is_not_a_json_object_is_400, test_a_lone_surrogate_…) and
tests/reporting/api/test_api_errors.py; they are not repeated here.
"""

from __future__ import annotations

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from reporting.intake.services import report_submit
from reporting.models import DailyReport, ReportRevision
from reporting.watch.flagging import missed_deadlines_flag
from reporting.watch.notifications import notifications_send_due
from tests.conftest import local, unit
from units.models import Unit, User

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
SCRIPT_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
IMG_ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
DAY = "2020-08-20"


# ------------------------------------------------------------ NUL bytes and huge numbers in addresses and forms

NUL_ADDRESSES = [
    "/bao-cao/%00/", "/bao-cao/lich-su/?don_vi=%00", "/bao-cao/lich-su/?ngay=2020-08-20%00", "/tong-quan/huyen/%00/",
    "/tong-quan/?date=%00", "/chua-bao-cao/?date=%00", "/nhap-excel/mau.xlsx?parent=%00", "/xuat-excel/?date=%00",
    "/bao-cao/?ngay=%00", "/tong-quan/tuan-thu/?unit=%00",
]
NUL_API = [  # the API names the parameter (a unit code in the path: not found)
    ("/api/v1/imports/template.xlsx?parent=%00", 400, "parent"), ("/api/v1/units/%00/reports/2020-08-20/", 404, "detail"),
    ("/api/v1/reports/?unit=%00", 400, "unit"), ("/api/v1/units/?parent=%00", 400, "parent"),
    ("/api/v1/flags/?date=%00", 400, "date"), ("/api/v1/exports/daily.xlsx?date=%00", 400, "date"),
]


@pytest.mark.parametrize("address", NUL_ADDRESSES)
def test_a_nul_byte_in_a_page_address_is_a_400_not_a_500(minh, address):
    client = Client()
    client.force_login(minh)
    response = client.get(address)
    assert response.status_code == 400
    assert "Địa chỉ chứa ký tự không hợp lệ." in response.content.decode()


@pytest.mark.parametrize(("address", "status", "field"), NUL_API)
def test_a_nul_byte_in_an_api_address_is_refused_by_name_not_a_500(thao, address, status, field):
    from tests.reporting.api_support import client_for

    response = client_for(thao).get(address)
    assert response.status_code == status
    assert list(response.json()) == [field]


@pytest.mark.parametrize("username", ["x" * 300, "a\x00b", "lan\n"])
def test_odd_login_names_are_refused_on_the_form_not_a_500(lan, username):
    response = Client().post(reverse("login"), {"username": username, "password": "khong-dung"})
    assert response.status_code == 200
    assert "_auth_user_id" not in response.client.session


@pytest.mark.parametrize(("field", "value", "message"), [
    ("residents_installed", "9" * 400, "Số người dân đã cài đặt"),
    ("residents_installed", "1\x00", "Số người dân đã cài đặt"),
    ("note", "x" * 10_000, "Ghi chú"),
    ("note", "a\x00b", "Ghi chú"),
])
def test_hostile_values_in_the_web_form_are_refused_by_field_and_save_nothing(lan, field, value, message):
    client = Client()
    client.force_login(lan)
    data = {"date": DAY, "residents_installed": "5", field: value}
    with time_machine.travel(local(2020, 8, 20, 10), tick=False):
        response = client.post(reverse("report_today"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not DailyReport.objects.exists() and not ReportRevision.objects.exists()


# ------------------------------------------------------------ HTML and script in names and notes


@pytest.fixture
def hostile(lan, minh, tuan, thao, quang, dung):
    """A commune, its district and an agency named with a script; a report and a late reason with an image tag."""
    Unit.objects.filter(code__in=["31318", "930", "SYT"]).update(name=SCRIPT)
    for user in (lan, minh, thao, quang, dung):
        user.refresh_from_db()
        user.email = f"{user.username}@example.invalid"
        user.first_name = SCRIPT
        user.save()
    missed_deadlines_flag(now=local(2020, 8, 13, 15, 5, 0))
    missed_deadlines_flag(now=local(2020, 8, 19, 15, 5, 0))
    revision = report_submit(user=lan, unit=lan.unit, day=local(2020, 8, 20).date(),
                             values={"residents_installed": 10, "note": IMG}, now=local(2020, 8, 20, 16),
                             late_reason=IMG).revision
    report_submit(user=lan, unit=lan.unit, day=local(2020, 8, 20).date(),
                  values={"residents_installed": 12, "note": IMG + " (sửa)"}, now=local(2020, 8, 20, 16, 5),
                  late_reason=IMG)
    report_submit(user=dung, unit=unit("SYT"), day=local(2020, 8, 20).date(),
                  values={"staff_installed": 5, "note": IMG}, now=local(2020, 8, 20, 9))
    missed_deadlines_flag(now=local(2020, 8, 20, 15, 5, 0))
    admin = User.objects.create_superuser(username="quantri", password="Mat-khau-2020", email="qt@example.invalid")
    return {"revision": revision, "admin": admin, "lan": lan, "minh": minh, "thao": thao, "quang": quang,
            "dung": dung}


def _pages(hostile) -> list[tuple[str, str, tuple[str, ...]]]:
    """(who, address, escaped texts the page must show)."""
    revision = hostile["revision"].pk
    both = (SCRIPT_ESCAPED, IMG_ESCAPED)
    return [
        ("lan", f"/bao-cao/?ngay={DAY}", both),
        ("lan", f"/bao-cao/bien-nhan/{revision}/", both),
        ("lan", "/bao-cao/lich-su/", both),
        ("minh", f"/bao-cao/?ngay={DAY}", (SCRIPT_ESCAPED,)),
        ("minh", f"/bao-cao/31318/?ngay={DAY}", both),
        ("minh", "/bao-cao/lich-su/?don_vi=31318", both),
        ("dung", f"/bao-cao/?ngay={DAY}", both),
        ("thao", "/bao-cao/lich-su/?don_vi=31318", both),
        ("thao", f"/bao-cao/bien-nhan/{revision}/", both),
        ("thao", f"/so-lieu-chinh-thuc/?ngay={DAY}", ()),
        ("thao", f"/tong-quan/?date={DAY}", (SCRIPT_ESCAPED,)),
        ("thao", f"/tong-quan/huyen/930/?date={DAY}", (SCRIPT_ESCAPED,)),
        ("thao", f"/tong-quan/co-quan/?date={DAY}", (SCRIPT_ESCAPED,)),
        ("thao", f"/tong-quan/tuan-thu/?date={DAY}", (SCRIPT_ESCAPED,)),
        ("thao", f"/tong-quan/tuan-thu/?date={DAY}&unit=31318", (SCRIPT_ESCAPED,)),
        ("thao", f"/tong-quan/cham-tien-do/?date={DAY}", ()),
        ("thao", f"/chua-bao-cao/?date={DAY}", both),
        ("minh", f"/chua-bao-cao/?date={DAY}", both),
        ("quang", f"/tong-quan/?date={DAY}", (SCRIPT_ESCAPED,)),
        ("thao", "/xuat-excel/", ()),
        ("minh", "/nhap-excel/", (SCRIPT_ESCAPED,)),
        (None, f"/cong-khai/?date={DAY}", ()),  # province figures only
        ("admin", "/admin/units/unit/?q=31318", (SCRIPT_ESCAPED,)),
        ("admin", f"/admin/units/unit/{unit('31318').pk}/change/", (SCRIPT_ESCAPED,)),
        ("admin", "/admin/reporting/dailyreport/", (SCRIPT_ESCAPED,)),
        ("admin", f"/admin/reporting/dailyreport/{hostile['revision'].report_id}/change/", both),
        ("admin", f"/admin/reporting/reportrevision/{revision}/change/", both),
        ("admin", "/admin/reporting/misseddeadline/", (SCRIPT_ESCAPED,)),
        ("admin", "/admin/units/user/", (SCRIPT_ESCAPED,)),
    ]


def test_script_in_names_and_notes_is_escaped_on_every_page_that_shows_them(hostile):
    clients = {}
    checked = []
    with time_machine.travel(local(2020, 8, 21, 10), tick=False):
        for who, address, expected in _pages(hostile):
            if who not in clients:
                clients[who] = Client()
                if who is not None:
                    clients[who].force_login(hostile[who])
            response = clients[who].get(address)
            assert response.status_code == 200, (who, address, response.status_code)
            page = response.content.decode()
            assert SCRIPT not in page and IMG not in page, (who, address)
            assert "<script>alert" not in page and "onerror=alert(1)>" not in page, (who, address)
            for text in expected:
                assert text in page, (who, address, text)
            checked.append(address)
    assert len(checked) == len(_pages(hostile))


def test_script_in_names_is_escaped_in_every_html_e_mail(hostile, settings):
    settings.BLUEZONE_ESCALATION_DAYS = 2
    notifications_send_due(now=local(2020, 8, 20, 14, 0))  # reminders: nobody of 31318 reported before 16:00
    notifications_send_due(now=local(2020, 8, 20, 15, 1))  # missed, escalation, summary
    kinds = {m.subject.split("]")[0] + "]" for m in mail.outbox}
    assert kinds == {"[Bluezone]"}
    subjects = [m.subject for m in mail.outbox]
    assert any("Nhắc" in s for s in subjects) and any("Tổng hợp" in s for s in subjects)
    assert any("liên tiếp" in s for s in subjects) and any("chưa báo cáo đúng hạn" in s for s in subjects)
    shown = 0
    for message in mail.outbox:
        html = message.alternatives[0][0]
        assert SCRIPT not in html and IMG not in html, message.subject
        shown += SCRIPT_ESCAPED in html
    assert shown >= 4  # the reminder, the missed notice, the escalation and the summary name the unit
