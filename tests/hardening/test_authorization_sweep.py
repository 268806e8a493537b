"""Authorization sweep: every URL of the project, every role, against another unit's data (rule 6).

The target is Xã Vị Tân (31333, district Vị Thanh): its report (with a
revision and a note nobody else may read), and its missed-deadline flag.
The roles: anonymous; Lan, reporter of another commune of the same district
(31318); a reporter of another district (Ngã Bảy, 931); Quang, a PPC viewer;
Thảo, a DIC reviewer. Each request runs in a transaction rolled back after it,
so one role's allowed write does not change what the next role meets.

EXPECTATIONS has one entry per URL name (or route, for unnamed ones) and
says, for each role and each method tried, what must happen. The admin site
is one entry: staff only. test_every_url_pattern_has_an_expectation fails
when a URL is added to the project without an entry here.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from reporting.intake.services import report_submit
from reporting.models import DailyReport, MissedDeadline, Notification, Question, QuestionMessage, ReportRevision
from reporting.questions.services import question_open
from reporting.watch.flagging import missed_deadlines_flag
from tests.conftest import local, unit
from units.models import Campaign, Unit, User
from units.services import user_create

TARGET = "31333"
D = "2020-08-20"
FLAG_DAY = "2020-08-13"
NAME_MARK = "Bí Mật"  # in the target's name
NOTE_MARK = "ghi-chu-bi-mat-cua-Vi-Tan"  # the target's note
ROLES = ("anonymous", "commune_reporter", "other_district_reporter", "viewer", "reviewer")

# What a role gets:
LOGIN = "login"  # sent to the login page, nothing done
UNAUTH = "401"  # API without credentials
DENY = "deny"  # 403 or 404; nothing of the target in the answer, nothing changed
REFUSE = "refuse"  # 400, 403 or 404 (a refused file or parameter); nothing of the target, nothing changed
BOUNCE = "bounce"  # sent back to a page with a message (not the login page); nothing of the target, nothing changed
SCOPED = "scoped"  # answered (2xx/3xx), but nothing of the target in it, and the target unchanged
READ = "read"  # answered 200, and it shows the target's data
ALLOW = "allow"  # answered (2xx/3xx); allowed to write
PUBLIC = "public"  # answered to anyone, and nothing of the target in it


@dataclass(frozen=True)
class Try:
    method: str
    url: str
    expect: dict[str, str]  # role -> outcome
    data: dict | None = None
    api: bool = False
    upload: bool = False  # data carries the import workbook made in the fixture

    def __post_init__(self):
        assert set(self.expect) == set(ROLES), f"{self.method} {self.url}: an outcome for every role"


def _all(outcome: str, **overrides: str) -> dict[str, str]:
    return {role: overrides.get(role, outcome) for role in ROLES}


def _web(outcome_for_users: dict[str, str]) -> dict[str, str]:
    return {"anonymous": LOGIN, **outcome_for_users}


def _api(outcome_for_users: dict[str, str]) -> dict[str, str]:
    return {"anonymous": UNAUTH, **outcome_for_users}


def _users(commune: str, other_district: str, viewer: str, reviewer: str) -> dict[str, str]:
    return {"commune_reporter": commune, "other_district_reporter": other_district, "viewer": viewer,
            "reviewer": reviewer}


REPORT_VALUES = {"date": D, "residents_installed": "9", "note": "ghi đè"}

EXPECTATIONS: dict[str, list[Try]] = {
    # -------------------------------------------------------------- accounts and plumbing
    "home": [Try("get", "/", _web(_users(SCOPED, SCOPED, SCOPED, SCOPED)))],
    "healthz": [Try("get", "/healthz", _all(PUBLIC))],
    "login": [Try("get", "/dang-nhap/", _all(SCOPED, anonymous=PUBLIC))],
    "logout": [Try("post", "/dang-xuat/", _all(LOGIN))],
    "set_language": [Try("post", "/i18n/setlang/", _all(PUBLIC), data={"language": "en", "next": "/"})],
    # The home-screen app's manifest and service worker (units.offline): the same for everyone, no data in them.
    "web_manifest": [Try("get", "/manifest.webmanifest", _all(PUBLIC))],
    "service_worker": [Try("get", "/sw.js", _all(PUBLIC))],
    # -------------------------------------------------------------- daily report pages
    "report_today": [
        Try("get", f"/bao-cao/?ngay={D}", _web(_users(SCOPED, SCOPED, DENY, SCOPED))),
        # The form writes the user's own unit whatever the body names: the target stays as it was.
        Try("post", "/bao-cao/", _web(_users(SCOPED, SCOPED, DENY, SCOPED)),
            data={**REPORT_VALUES, "unit": TARGET, "code": TARGET}),
    ],
    "report_history": [Try("get", f"/bao-cao/lich-su/?don_vi={TARGET}", _web(_users(SCOPED, SCOPED, READ, READ)))],
    "report_receipt": [Try("get", "/bao-cao/bien-nhan/{revision}/", _web(_users(DENY, DENY, READ, READ)))],
    "report_unit": [
        Try("get", f"/bao-cao/{TARGET}/?ngay={D}", _web(_users(DENY, DENY, DENY, DENY))),
        Try("post", f"/bao-cao/{TARGET}/", _web(_users(DENY, DENY, DENY, DENY)), data=REPORT_VALUES),
    ],
    "official_figure": [
        # The People's Committee reads the official figure (no form); only DIC writes it.
        Try("get", f"/so-lieu-chinh-thuc/?ngay={D}", _web(_users(DENY, DENY, SCOPED, ALLOW))),
        Try("post", "/so-lieu-chinh-thuc/", _web(_users(DENY, DENY, DENY, ALLOW)),
            data={"date": D, "residents_installed": "150000"}),
    ],
    # -------------------------------------------------------------- missed deadlines
    "flags_board": [Try("get", f"/chua-bao-cao/?date={FLAG_DAY}", _web(_users(SCOPED, SCOPED, READ, READ)))],
    "flags_excuse": [
        Try("post", f"/chua-bao-cao/{TARGET}/{FLAG_DAY}/mien/", _web(_users(DENY, DENY, DENY, ALLOW)),
            data={"reason": "mất điện"}),
    ],
    # The target's flag is not excused in this world: a reviewer is answered 400 (nothing to withdraw), others never act.
    "flags_excuse_withdraw": [
        Try("post", f"/chua-bao-cao/{TARGET}/{FLAG_DAY}/thu-hoi-mien/", _web(_users(DENY, DENY, DENY, REFUSE))),
    ],
    "flags_late_reason": [
        Try("post", f"/chua-bao-cao/{TARGET}/{FLAG_DAY}/ly-do-tre/", _web(_users(DENY, DENY, DENY, DENY)),
            data={"late_reason": "mất điện"}),
    ],
    # -------------------------------------------------------------- dashboards
    # A unit user's overview is its own district's page (or its agencies): redirected, never the province.
    "dashboard_overview": [Try("get", f"/tong-quan/?date={D}", _web(_users(SCOPED, SCOPED, ALLOW, ALLOW)))],
    # A commune user may open its own district's page and sees only its own commune's row.
    "dashboard_district": [Try("get", f"/tong-quan/huyen/930/?date={D}", _web(_users(SCOPED, DENY, READ, READ)))],
    "dashboard_agencies": [Try("get", f"/tong-quan/co-quan/?date={D}", _web(_users(SCOPED, SCOPED, ALLOW, ALLOW)))],
    "dashboard_compliance": [
        Try("get", f"/tong-quan/tuan-thu/?date={D}", _web(_users(SCOPED, SCOPED, READ, READ))),
        Try("get", f"/tong-quan/tuan-thu/?date={D}&unit=930", _web(_users(DENY, DENY, READ, READ))),
    ],
    "dashboard_lagging": [Try("get", f"/tong-quan/cham-tien-do/?date={D}", _web(_users(SCOPED, SCOPED, ALLOW, ALLOW)))],
    "public_progress": [Try("get", f"/cong-khai/?date={D}", _all(PUBLIC))],
    # -------------------------------------------------------------- Excel
    "excel_export": [Try("get", f"/xuat-excel/?date={D}", _web(_users(SCOPED, SCOPED, READ, READ)))],
    "excel_import": [
        # The page itself (with nothing to choose for who may write no unit) shows no data.
        Try("get", "/nhap-excel/", _web(_users(SCOPED, SCOPED, SCOPED, SCOPED))),
        Try("post", "/nhap-excel/", _web(_users(REFUSE, REFUSE, REFUSE, REFUSE)), upload=True),
    ],
    "excel_import_template": [
        Try("get", f"/nhap-excel/mau.xlsx?parent={TARGET}&date={D}", _web(_users(BOUNCE, BOUNCE, BOUNCE, BOUNCE))),
        Try("get", f"/nhap-excel/mau.xlsx?parent=930&date={D}", _web(_users(BOUNCE, BOUNCE, BOUNCE, BOUNCE))),
    ],
    # -------------------------------------------------------------- questions about a figure
    "question_list": [Try("get", "/cau-hoi/", _web(_users(SCOPED, SCOPED, READ, READ)))],
    "question_ask": [
        Try("get", f"/cau-hoi/hoi/?unit={TARGET}&date={D}", _web(_users(DENY, DENY, DENY, READ))),
        Try("post", "/cau-hoi/hoi/", _web(_users(DENY, DENY, DENY, ALLOW)),
            data={"unit": TARGET, "date": D, "text": "Xin kiểm tra lại"}),
    ],
    "question_detail": [Try("get", "/cau-hoi/{question}/", _web(_users(DENY, DENY, READ, READ)))],
    # Only the unit's own reporters (and those above it) answer; a reviewer asks and closes, never answers.
    "question_answer": [
        Try("post", "/cau-hoi/{question}/tra-loi/", _web(_users(DENY, DENY, DENY, DENY)),
            data={"text": "Số liệu đúng", "residents_installed": "9"}),
    ],
    "question_close": [Try("post", "/cau-hoi/{question}/dong/", _web(_users(DENY, DENY, DENY, ALLOW)))],
    # -------------------------------------------------------------- API
    "api_schema": [Try("get", "/api/schema/", _all(PUBLIC), api=True)],
    "api_docs": [Try("get", "/api/docs/", _all(PUBLIC), api=True)],
    "api_token": [Try("post", "/api/v1/auth/token/", _all(REFUSE), data={"username": "hoa", "password": "sai"},
                      api=True)],
    "api_whoami": [Try("get", "/api/v1/auth/whoami/", _api(_users(SCOPED, SCOPED, SCOPED, SCOPED)), api=True)],
    "api_units": [
        Try("get", "/api/v1/units/", _api(_users(SCOPED, SCOPED, READ, READ)), api=True),
        Try("get", "/api/v1/units/?parent=930", _api(_users(REFUSE, REFUSE, READ, READ)), api=True),
    ],
    "api_unit_report": [
        Try("get", f"/api/v1/units/{TARGET}/reports/{D}/", _api(_users(DENY, DENY, READ, READ)), api=True),
        Try("put", f"/api/v1/units/{TARGET}/reports/{D}/", _api(_users(DENY, DENY, DENY, DENY)), api=True,
            data={"residents_installed": 9, "note": "ghi đè"}),
    ],
    # A day that is no date: the same scope checks first, then 400 naming the field.
    "api_unit_report_not_a_day": [
        Try("get", f"/api/v1/units/{TARGET}/reports/2020-02-30/", _api(_users(DENY, DENY, REFUSE, REFUSE)), api=True),
        Try("put", f"/api/v1/units/{TARGET}/reports/20-08-2020/", _api(_users(DENY, DENY, DENY, DENY)), api=True,
            data={"residents_installed": 9, "note": "ghi đè"}),
    ],
    "api_reports": [
        Try("get", f"/api/v1/reports/?unit={TARGET}", _api(_users(REFUSE, REFUSE, READ, READ)), api=True),
        Try("get", f"/api/v1/reports/?date={D}", _api(_users(SCOPED, SCOPED, READ, READ)), api=True),
    ],
    "api_flags": [Try("get", f"/api/v1/flags/?date={FLAG_DAY}", _api(_users(SCOPED, SCOPED, READ, READ)), api=True)],
    "api_flag_excuse": [
        Try("post", f"/api/v1/flags/{TARGET}/{FLAG_DAY}/excuse/", _api(_users(DENY, DENY, DENY, ALLOW)), api=True,
            data={"reason": "mất điện"}),
        Try("delete", f"/api/v1/flags/{TARGET}/{FLAG_DAY}/excuse/", _api(_users(DENY, DENY, DENY, REFUSE)), api=True),
    ],
    "api_flag_excuse_not_a_day": [
        Try("post", f"/api/v1/flags/{TARGET}/2020-13-01/excuse/", _api(_users(DENY, DENY, DENY, REFUSE)), api=True,
            data={"reason": "mất điện"}),
        Try("delete", f"/api/v1/flags/{TARGET}/hom-nay/excuse/", _api(_users(DENY, DENY, DENY, REFUSE)), api=True),
    ],
    "api_compliance": [
        Try("get", f"/api/v1/compliance/?date={FLAG_DAY}", _api(_users(SCOPED, SCOPED, READ, READ)), api=True),
    ],
    "api_progress": [Try("get", f"/api/v1/progress/?date={D}", _api(_users(SCOPED, SCOPED, ALLOW, ALLOW)), api=True)],
    "api_export_daily": [
        Try("get", f"/api/v1/exports/daily.xlsx?date={D}", _api(_users(SCOPED, SCOPED, READ, READ)), api=True),
    ],
    "api_import_template": [
        Try("get", f"/api/v1/imports/template.xlsx?parent={TARGET}&date={D}", _api(_users(REFUSE, REFUSE, REFUSE,
                                                                                        REFUSE)), api=True),
    ],
    "api_questions": [
        Try("get", "/api/v1/questions/", _api(_users(SCOPED, SCOPED, READ, READ)), api=True),
        Try("post", "/api/v1/questions/", _api(_users(DENY, DENY, DENY, ALLOW)), api=True,
            data={"unit": TARGET, "date": D, "text": "Xin kiểm tra lại"}),
    ],
    "api_question_answer": [
        Try("post", "/api/v1/questions/{question}/answer/", _api(_users(DENY, DENY, DENY, DENY)), api=True,
            data={"text": "Số liệu đúng", "values": {"residents_installed": 9}}),
    ],
    "api_question_close": [
        Try("post", "/api/v1/questions/{question}/close/", _api(_users(DENY, DENY, DENY, ALLOW)), api=True,
            data={"text": "Đã rõ"}),
    ],
    "api_import": [Try("post", "/api/v1/imports/", _api(_users(REFUSE, REFUSE, REFUSE, REFUSE)), api=True,
                       upload=True)],
}

ADMIN_NAMESPACE = "admin"  # every admin URL: staff only (below)


# ------------------------------------------------------------------ the URL patterns of the project


def _patterns(patterns=None, prefix: str = "", namespace: str | None = None):
    """(key, route, namespace) of every URL pattern, however deeply included."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            yield (pattern.name or route), route, namespace


def test_every_url_pattern_has_an_expectation():
    project = [(key, route) for key, route, namespace in _patterns() if namespace != ADMIN_NAMESPACE]
    missing = sorted({f"{key} ({route})" for key, route in project if key not in EXPECTATIONS})
    assert missing == [], f"URL patterns without an authorization expectation in {__name__}: {missing}"
    stale = sorted(set(EXPECTATIONS) - {key for key, _route in project})
    assert stale == [], f"expectations for URLs that no longer exist: {stale}"
    assert any(namespace == ADMIN_NAMESPACE for _key, _route, namespace in _patterns())


# ------------------------------------------------------------------ the data behind the doors


@pytest.fixture
def world(lan, hoa, minh, quang, thao):
    Unit.objects.filter(code=TARGET).update(name=f"Xã {NAME_MARK} Vị Tân")
    other, _password, _token = user_create(username="ngabay", role="reporter", unit_code="931",
                                           password="Mat-khau-2020")
    missed_deadlines_flag(now=local(2020, 8, 13, 15, 5, 0))
    revision = report_submit(user=hoa, unit=unit(TARGET), day=dt.date(2020, 8, 20),
                             values={"residents_installed": 4321, "note": NOTE_MARK},
                             now=local(2020, 8, 20, 10)).revision
    # A workbook naming the target (made from its district's template): nobody else may import it.
    with time_machine.travel(local(2020, 8, 20, 14), tick=False):
        template = _api_client(minh).get("/api/v1/imports/template.xlsx", {"parent": "930", "date": D})
    assert template.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(template.streaming_content) if template.streaming else template.content))
    ws = wb.active
    for row in ws.iter_rows(min_row=9):
        if row[0].value == TARGET:
            ws[f"D{row[0].row}"] = 5000
    out = io.BytesIO()
    wb.save(out)
    # An open question about the target's figure: its thread carries the target's note.
    question = question_open(user=thao, campaign=Campaign.objects.get(), unit=unit(TARGET), day=dt.date(2020, 8, 20),
                             text=f"Xin kiểm tra: {NOTE_MARK}", now=local(2020, 8, 20, 16))
    return {
        "users": {"anonymous": None, "commune_reporter": lan, "other_district_reporter": other, "viewer": quang,
                  "reviewer": thao},
        "revision": revision.pk, "question": question.pk, "workbook": out.getvalue(),
    }


def _api_client(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _web_client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _text(response) -> str:
    raw = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if "spreadsheetml" in response.get("Content-Type", ""):
        wb = load_workbook(io.BytesIO(raw), read_only=True)
        return "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row
                         if v is not None)
    return raw.decode("utf-8", errors="replace")


def _shows_rows(text: str) -> bool:
    """The target appears as a row, an entry or a code of its own (its name, its note, its code in JSON)."""
    return NAME_MARK in text or NOTE_MARK in text or f'"{TARGET}"' in text


def _shows_data(text: str) -> bool:
    """The target's report itself: its note or its figure (a refusal may name the unit, never its data)."""
    return NOTE_MARK in text or "4.321" in text or "4321" in text


def _fingerprint() -> tuple:
    """Everything a write could change."""
    return (
        list(DailyReport.objects.order_by("pk").values()),
        list(ReportRevision.objects.order_by("pk").values_list("pk", flat=True)),
        list(MissedDeadline.objects.order_by("pk").values()),
        Notification.objects.count(),
        list(Question.objects.order_by("pk").values()),
        QuestionMessage.objects.count(),
    )


def _target_fingerprint() -> tuple:
    return (
        list(DailyReport.objects.filter(unit__code=TARGET).values()),
        list(ReportRevision.objects.filter(unit__code=TARGET).values_list("pk", flat=True)),
        list(MissedDeadline.objects.filter(unit__code=TARGET).values()),
        list(Question.objects.filter(unit__code=TARGET).values()),
        QuestionMessage.objects.filter(question__unit__code=TARGET).count(),
    )


def _check(outcome: str, response, text: str, *, changed: bool, target_changed: bool) -> str | None:
    """None when the answer is the expected outcome, else why not."""
    status = response.status_code
    location = response.get("Location", "")
    to_login = location.startswith("/dang-nhap/")
    rows, data = _shows_rows(text), _shows_data(text)
    if outcome == LOGIN:
        ok = status == 302 and to_login and not changed
    elif outcome == UNAUTH:
        ok = status == 401 and not data and not changed
    elif outcome == DENY:
        ok = status in (403, 404) and not data and not changed
    elif outcome == REFUSE:
        ok = status in (400, 403, 404) and not data and not changed
    elif outcome == BOUNCE:
        ok = status == 302 and not to_login and not data and not changed
    elif outcome == SCOPED:
        ok = status < 400 and not to_login and not rows and not target_changed
    elif outcome == READ:
        ok = status == 200 and rows and not changed
    elif outcome == ALLOW:
        ok = status < 400 and not to_login
    elif outcome == PUBLIC:
        ok = status < 400 and not rows and not target_changed
    else:
        raise AssertionError(outcome)
    if ok:
        return None
    return (f"expected {outcome}, got {status}{' → ' + location if location else ''}"
            f"{', shows its rows' if rows else ''}{', shows its data' if data else ''}"
            f"{', changed data' if changed else ''}")


def test_no_role_reads_or_writes_beyond_its_scope_on_any_url(world):
    failures = []
    tried = 0
    with time_machine.travel(local(2020, 8, 21, 10), tick=False):
        for name, tries in EXPECTATIONS.items():
            for attempt in tries:
                for role, outcome in attempt.expect.items():
                    url = attempt.url.format(revision=world["revision"], question=world["question"])
                    data = dict(attempt.data or {})
                    if attempt.upload:
                        data["file"] = SimpleUploadedFile("so-lieu.xlsx", world["workbook"])
                    before, target_before = _fingerprint(), _target_fingerprint()
                    with transaction.atomic():
                        # A fresh client each time: a logout (or a lockout) must not carry over.
                        user = world["users"][role]
                        client = _api_client(user) if attempt.api else _web_client(user)
                        kwargs = {"format": "json"} if attempt.api and attempt.data and not attempt.upload else {}
                        if attempt.api and attempt.upload:
                            kwargs = {"format": "multipart"}
                        response = getattr(client, attempt.method)(url, data, **kwargs) if data \
                            else getattr(client, attempt.method)(url)
                        text = _text(response)
                        changed = _fingerprint() != before
                        target_changed = _target_fingerprint() != target_before
                        transaction.set_rollback(True)
                    tried += 1
                    if why := _check(outcome, response, text, changed=changed, target_changed=target_changed):
                        failures.append(f"{name}: {role} {attempt.method.upper()} {url}: {why}")
    assert failures == [], "\n".join(failures)
    assert tried >= 5 * len(EXPECTATIONS)


# ------------------------------------------------------------------ the admin site: staff only


def _admin_url(route: str, pk: int) -> str:
    url = re.sub(r"\^\(\?P<app_label>[^)]*\)/\$", "reporting/", route)
    url = url.replace("(?P<url>.*)$", "khong-co/")
    url = re.sub(r"<path:content_type_id>/<path:object_id>", f"1/{pk}", url)
    url = re.sub(r"<(?:path:)?\w+>", str(pk), url)
    assert "<" not in url and "(" not in url and "^" not in url, url
    return "/" + url


def test_every_admin_url_is_for_staff_only(world):
    revision = ReportRevision.objects.get(pk=world["revision"])
    admin_routes = sorted({(key, route) for key, route, namespace in _patterns() if namespace == ADMIN_NAMESPACE})
    assert len(admin_routes) > 50
    failures = []
    for role, user in world["users"].items():
        client = _web_client(user)
        for key, route in admin_routes:
            url = _admin_url(route, revision.report_id)
            for method in ("get", "post"):
                before = _fingerprint()
                with transaction.atomic():
                    response = getattr(client, method)(url, {"note": "ghi đè", "residents_installed": "0"}) \
                        if method == "post" else client.get(url)
                    changed = _fingerprint() != before
                    shows = _shows_data(_text(response))
                    transaction.set_rollback(True)
                status, location = response.status_code, response.get("Location", "")
                login_page = key == "login" and status == 200 and 'name="password"' in response.content.decode()
                # /admin/ itself sends non-staff to the admin login (admin:logout redirects there).
                refused = (status == 302 and (location.startswith("/admin/login/") or location == "/admin/")) \
                    or status in (403, 404, 405)
                if changed or shows or not (refused or login_page):
                    failures.append(f"{role} {method.upper()} {url}: {status} {location}"
                                    f"{' shows the target' if shows else ''}{' changed data' if changed else ''}")
    assert failures == [], "\n".join(failures)
    # Not vacuous: staff do get in, and the reports there are read-only (tests/hardening/test_audit.py).
    staff = User.objects.create_superuser(username="quantri", password="Mat-khau-2020", email="qt@example.invalid")
    page = _web_client(staff).get(f"/admin/reporting/dailyreport/{revision.report_id}/change/")
    assert page.status_code == 200 and NOTE_MARK in page.content.decode()
