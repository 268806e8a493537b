"""Audit: every revision visible to reviewers and editable by no one; refusals and failed logins logged.

The revision history itself (old → new, scope, pagination) is tested in
tests/reporting/intake/test_report_history.py; lockout mechanics in
tests/units/test_lockout.py. Here: what DIC can audit, that nobody can
rewrite it, and the `bluezone.audit` log.
"""

from __future__ import annotations

import io
import logging

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from reporting.models import DailyReport, ReportRevision
from tests.conftest import local
from tests.reporting.api_support import client_for, report_url
from units.logging import SingleLineFormatter
from units.models import User

DAY = "2020-08-20"


@pytest.fixture
def history(tuan):
    """Two saves of a unit in Ngã Bảy (another district than Vị Thanh): one by API, one on the web."""
    with time_machine.travel(local(2020, 8, 20, 9, 30), tick=False):
        assert client_for(tuan).put(report_url("31340", DAY), {"residents_installed": 3700, "note": "đợt 1"},
                                    format="json", REMOTE_ADDR="10.9.8.7").status_code == 201
    web = Client(REMOTE_ADDR="10.1.2.3")
    web.force_login(tuan)
    with time_machine.travel(local(2020, 8, 20, 16, 45), tick=False):
        response = web.post(reverse("report_today"), {"date": DAY, "residents_installed": "3950", "note": "đợt 2"})
    assert response.status_code == 302
    return list(ReportRevision.objects.filter(unit__code="31340").order_by("number"))


def _revisions_snapshot():
    return list(ReportRevision.objects.order_by("pk").values())


# ------------------------------------------------------------ reviewers see every unit's full history


def test_a_reviewer_sees_who_when_which_channel_which_address_and_old_to_new_for_any_unit(thao, history):
    client = Client()
    client.force_login(thao)
    page = client.get(reverse("report_history"), {"don_vi": "31340"}).content.decode()
    assert "Phường Ngã Bảy" in page or "31340" in page
    assert page.count("tuan") >= 2  # the author of each save
    assert "20/08/2020 09:30:00" in page and "20/08/2020 16:45:00" in page  # when, local time
    assert "API" in page and "Trang web" in page  # the channel
    assert "10.9.8.7" in page and "10.1.2.3" in page  # the submitter's address
    assert "3.700" in page and "3.950" in page and "đợt 1" in page and "đợt 2" in page  # old → new
    # Every unit of the province can be chosen, not only a district's.
    assert 'value="31340"' in page and 'value="31318"' in page and 'value="SYT"' in page


def test_unit_staff_see_their_history_without_the_addresses(tuan, history):
    client = Client()
    client.force_login(tuan)
    page = client.get(reverse("report_history")).content.decode()
    assert "3.950" in page
    assert "10.9.8.7" not in page and "10.1.2.3" not in page


# ------------------------------------------------------------ nobody rewrites history


def test_a_new_save_adds_a_revision_and_never_changes_the_earlier_ones(tuan, history):
    before = _revisions_snapshot()
    response = client_for(tuan).put(report_url("31340", DAY), {"residents_installed": 1}, format="json")
    assert response.status_code == 200
    after = _revisions_snapshot()
    assert after[: len(before)] == before
    assert len(after) == len(before) + 1 and after[-1]["previous"]["residents_installed"] == 3950


@pytest.mark.parametrize("method", ["delete", "patch", "post"])
def test_the_api_has_no_way_to_change_or_delete_a_report_or_a_revision(tuan, thao, history, method):
    before = _revisions_snapshot()
    for user in (tuan, thao):
        response = getattr(client_for(user), method)(report_url("31340", DAY), {"residents_installed": 0},
                                                     format="json")
        assert response.status_code == 405
    assert _revisions_snapshot() == before


def test_no_api_operation_touches_revisions(thao):
    schema = client_for(thao).get("/api/schema/", {"format": "json"}).json()
    writes = sorted((method.upper(), path) for path, operations in schema["paths"].items()
                    for method in operations if method in ("post", "put", "patch", "delete"))
    assert writes == [
        ("DELETE", "/api/v1/flags/{code}/{date}/excuse/"),  # withdraws an excuse: a flag, never a report
        ("POST", "/api/v1/auth/token/"),
        ("POST", "/api/v1/flags/{code}/{date}/excuse/"),
        ("POST", "/api/v1/imports/"),  # every row through report_submit: a new revision each
        ("POST", "/api/v1/questions/"),  # a question: its own rows, never a report
        ("POST", "/api/v1/questions/{id}/answer/"),  # a correction through report_submit: a new revision
        ("POST", "/api/v1/questions/{id}/close/"),  # its own rows
        ("PUT", "/api/v1/units/{code}/reports/{date}/"),  # likewise
    ]
    assert not any("revision" in path for path in schema["paths"])


@pytest.fixture
def superuser(hau_giang):
    return User.objects.create_superuser(username="quantri", password="Mat-khau-2020", email="qt@example.invalid")


def test_the_admin_shows_revisions_read_only_to_a_superuser_and_refuses_every_change(superuser, history):
    client = Client()
    client.force_login(superuser)
    revision = history[0]
    report = revision.report
    before, report_before = _revisions_snapshot(), DailyReport.objects.filter(pk=report.pk).values().get()

    page = client.get(reverse("admin:reporting_reportrevision_change", args=[revision.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert "10.9.8.7" in page.content.decode()
    report_page = client.get(reverse("admin:reporting_dailyreport_change", args=[report.pk]))
    assert report_page.status_code == 200 and 'name="_save"' not in report_page.content.decode()

    for name, args in [("reportrevision_change", [revision.pk]), ("dailyreport_change", [report.pk])]:
        assert client.post(reverse(f"admin:reporting_{name}", args=args),
                           {"residents_installed": "0", "note": "sửa lén"}).status_code == 403
    for name, args in [("reportrevision_delete", [revision.pk]), ("dailyreport_delete", [report.pk])]:
        assert client.get(reverse(f"admin:reporting_{name}", args=args)).status_code == 403
        assert client.post(reverse(f"admin:reporting_{name}", args=args), {"post": "yes"}).status_code == 403
    for name in ("reportrevision_add", "dailyreport_add"):
        assert client.get(reverse(f"admin:reporting_{name}")).status_code == 403
    # Bulk deletion is not offered either.
    changelist = reverse("admin:reporting_reportrevision_changelist")
    assert "delete_selected" not in client.get(changelist).content.decode()
    client.post(changelist, {"action": "delete_selected", "_selected_action": [r.pk for r in history],
                             "post": "yes"})
    assert _revisions_snapshot() == before
    assert DailyReport.objects.filter(pk=report.pk).values().get() == report_before


# ------------------------------------------------------------ the bluezone.audit log


@pytest.fixture
def audit(caplog):
    caplog.set_level(logging.WARNING, logger="bluezone.audit")
    return caplog


def _audit_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "bluezone.audit"]


def test_a_failed_web_login_and_a_failed_token_request_are_logged(lan, audit, settings):
    Client(REMOTE_ADDR="10.0.0.5").post(reverse("login"), {"username": "lan", "password": "sai-mat-khau"})
    client_for(None).post("/api/v1/auth/token/", {"username": "lan", "password": "sai"}, format="json",
                          REMOTE_ADDR="10.0.0.6")
    lines = _audit_lines(audit)
    assert "login failed: username=lan ip=10.0.0.5 path=/dang-nhap/ locked_out=False" in lines
    assert "login failed: username=lan ip=10.0.0.6 path=/api/v1/auth/token/ locked_out=False" in lines
    assert not any("Mat-khau" in line or "sai-mat-khau" in line for line in lines)  # never a password


def test_a_lockout_is_logged(lan, audit):
    client = Client()
    for _ in range(5):
        client.post(reverse("login"), {"username": "lan", "password": "sai-mat-khau"})
    lines = _audit_lines(audit)
    assert "account locked out: username=lan ip=127.0.0.1" in lines
    client.post(reverse("login"), {"username": "lan", "password": "Mat-khau-2020"})
    assert _audit_lines(audit)[-1] == "login failed: username=lan ip=127.0.0.1 path=/dang-nhap/ locked_out=True"


@pytest.mark.parametrize(("who", "method", "address", "status"), [
    ("lan", "get", "/bao-cao/31340/", 404),  # another district's commune, on the web
    ("lan", "get", "/tong-quan/huyen/931/", 404),  # another district's dashboard
    ("lan", "api_put", report_url("31340", DAY), 404),  # through the API
    ("lan", "api_get", report_url("93", DAY), 404),
    ("quang", "api_put", report_url("31318", DAY), 403),  # a viewer writing
    ("lan", "get", "/so-lieu-chinh-thuc/", 403),  # a unit writing the official figure
    ("lan", "post", "/chua-bao-cao/31340/2020-08-13/mien/", 404),  # excusing another unit's flag
    ("lan", "post", "/chua-bao-cao/31318/2020-08-13/mien/", 403),  # excusing its own: reviewers only
    ("lan", "get", "/khong-co-trang-nay/", 404),  # no such page: not an access attempt
])
def test_refused_accesses_are_logged_with_who_where_and_how(lan, quang, audit, who, method, address, status):
    user = {"lan": lan, "quang": quang}[who]
    if method == "api_put":
        response = client_for(user).put(address, {"residents_installed": 1}, format="json")
    elif method == "api_get":
        response = client_for(user).get(address)
    else:
        client = Client()
        client.force_login(user)
        response = getattr(client, method)(address)
    assert response.status_code == status
    lines = _audit_lines(audit)
    if status in (403, 404) and address != "/khong-co-trang-nay/":
        unit = f"unit={user.unit.code}" if user.unit_id else "unit=-"
        assert lines == [f"access refused: status={status} user={who} (role={user.role}, {unit}) ip=127.0.0.1 "
                         f"method={'PUT' if method == 'api_put' else method.upper().removeprefix('API_')} "
                         f"path={address}"]
    else:
        assert lines == []


# ------------------------------------------------------------ one event, one line


@pytest.fixture
def console_log():
    """The portal's own console handler (settings.LOGGING), writing into a buffer for the test."""
    handlers = [h for h in logging.getLogger().handlers if isinstance(h.formatter, SingleLineFormatter)]
    assert handlers, "settings.LOGGING does not use units.logging.SingleLineFormatter"
    buffer = io.StringIO()
    saved = [h.setStream(buffer) for h in handlers]
    yield buffer
    for handler, stream in zip(handlers, saved, strict=True):
        handler.setStream(stream)


FORGED = "lan\n2020-08-20 10:00:00,000 WARNING bluezone.audit login ok: username=admin"


def test_a_newline_in_a_login_name_cannot_forge_a_log_line(lan, console_log):
    Client().post(reverse("login"), {"username": FORGED, "password": "sai"})
    client_for(None).post("/api/v1/auth/token/", {"username": FORGED, "password": "sai"}, format="json")
    Client().post(reverse("login"), {"username": "lan\r\nINFO giả mạo", "password": "sai"})
    lines = console_log.getvalue().splitlines()
    audit = [line for line in lines if " bluezone.audit " in line]
    assert len(audit) == 3
    assert all(line.split(" ", 2)[2].startswith("WARNING bluezone.audit login failed: username=lan\\")
               for line in audit)
    assert not any(line.startswith("2020-08-20 10:00:00,000") for line in lines)
    assert not any(line.startswith("INFO giả mạo") for line in lines)


def test_a_newline_in_an_address_cannot_forge_a_log_line(lan, console_log):
    client = Client()
    client.force_login(lan)
    # Short enough to be a unit code, so the report view itself refuses it (and the audit logs it).
    client.get("/bao-cao/x%0A2020-08-20 10:00/")
    # Too long for one: no route matches, and Django's own 404 line is written.
    client.get("/bao-cao/x%0A2020-08-20 10:00:00,000 INFO django.request OK/")
    client.get("/khong-co%0D%0AINFO giả mạo/")
    lines = console_log.getvalue().splitlines()
    assert any("bluezone.audit access refused: status=404" in line and "/bao-cao/x%0A2020-08-20" in line
               for line in lines)
    assert any("django.request Not Found: /bao-cao/x\\n2020-08-20 10:00:00,000" in line for line in lines)
    assert any("django.request Not Found: /khong-co\\r\\nINFO" in line for line in lines)
    assert not any(line.startswith(("2020-08-20 10:00", "INFO giả mạo")) for line in lines)


def test_every_portal_logger_writes_one_line_per_event(console_log):
    """E.g. the e-mail failure message names the recipient's user name, which an import could fill."""
    logging.getLogger("reporting.watch.notifications").warning("e-mail %s to %s failed", "missed", "hoa\nINFO giả mạo")
    lines = console_log.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].endswith("e-mail missed to hoa\\nINFO giả mạo failed")


def test_the_single_line_formatter_escapes_the_message_and_keeps_tracebacks_below():
    formatter = SingleLineFormatter("%(levelname)s %(message)s")
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "user=%s", ("a\nb\rc",), sys.exc_info())
    text = formatter.format(record)
    first, *rest = text.split("\n")
    assert first == "ERROR user=a\\nb\\rc"
    assert rest[0] == "Traceback (most recent call last):" and rest[-1] == "ValueError: boom"
