"""Languages: Vietnamese by default, English switchable, and the two catalogues under locale/.

locale/en translates the portal's own strings (their msgids are Vietnamese);
locale/vi is hand-maintained and gives Vietnamese to the English strings of
Django, DRF and django-axes that users meet. Both are compiled and checked in.
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import django
import polib
import pytest
import rest_framework
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation.template import templatize

from tests.conftest import local
from units.models import User

ROOT = Path(settings.BASE_DIR)
EN_PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
VI_PO = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"
DURING_CAMPAIGN = local(2020, 8, 20, 10, 0)


def logged_in(user, **cookies) -> Client:
    client = Client()
    client.force_login(user)
    for name, value in cookies.items():
        client.cookies[name] = value
    return client


# --- pages and API in the user's language ---------------------------------------------------------


@pytest.mark.django_db
def test_login_page_switches_to_english_and_back(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/dang-nhap/"})
    english = client.get("/dang-nhap/").content.decode()
    assert 'lang="en"' in english
    assert "Log in" in english and "Username" in english and "Password" in english
    assert "Đăng nhập" not in english and "Mật khẩu" not in english
    # The switch shows the other language under its own name.
    assert "Tiếng Việt" in english

    client.post("/i18n/setlang/", {"language": "vi", "next": "/dang-nhap/"})
    vietnamese = client.get("/dang-nhap/").content.decode()
    assert 'lang="vi"' in vietnamese and "Đăng nhập" in vietnamese and "Log in" not in vietnamese


@pytest.mark.django_db
def test_wrong_password_is_explained_in_english_when_english_is_chosen(client, lan):
    response = client.post("/dang-nhap/", {"username": "lan", "password": "sai"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Incorrect username or password. Note that the password is case-sensitive." in response.content.decode()


@pytest.mark.django_db
def test_report_form_is_vietnamese_by_default(lan):
    with time_machine.travel(DURING_CAMPAIGN, tick=False):
        body = logged_in(lan).get(reverse("report_today")).content.decode()
    assert 'lang="vi"' in body
    assert "Báo cáo hôm nay" in body and "Gửi báo cáo" in body and "Số người dân đã cài đặt" in body
    assert "Còn 5 giờ 0 phút đến hạn 15:00" in body


@pytest.mark.django_db
def test_report_form_is_english_with_accept_language_en(lan):
    with time_machine.travel(DURING_CAMPAIGN, tick=False):
        body = logged_in(lan).get(reverse("report_today"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in body
    assert "Today&#x27;s report" in body and "Send report" in body and "Residents installed" in body
    assert "Cumulative figures up to 20/08/2020" in body
    assert "5 h 0 min left until the 15:00 deadline" in body
    assert "Báo cáo hôm nay" not in body and "Gửi báo cáo" not in body
    # Unit names are data, not UI text.
    assert "Phường I" in body


@pytest.mark.django_db
def test_report_form_refusal_names_the_field_in_english(lan):
    with time_machine.travel(DURING_CAMPAIGN, tick=False):
        response = logged_in(lan).post(
            reverse("report_today"), {"date": "2020-08-20", "residents_installed": "-3"}, HTTP_ACCEPT_LANGUAGE="en"
        )
    body = response.content.decode()
    assert "The report was not saved." in body
    assert "Residents installed: may not be negative." in body


@pytest.mark.django_db
def test_dashboard_is_english_with_the_language_cookie(thao):
    client = logged_in(thao, **{settings.LANGUAGE_COOKIE_NAME: "en"})
    with time_machine.travel(DURING_CAMPAIGN, tick=False):
        body = client.get(reverse("dashboard_overview")).content.decode()
    assert 'lang="en"' in body
    assert "Bluezone installation progress in the province" in body
    assert "Ranking of districts, towns and cities" in body and "Official figure (MIC)" in body
    assert "Tổng quan toàn tỉnh" not in body and "Xếp hạng huyện" not in body


@pytest.mark.django_db
def test_dashboard_is_vietnamese_by_default(thao):
    with time_machine.travel(DURING_CAMPAIGN, tick=False):
        body = logged_in(thao).get(reverse("dashboard_overview")).content.decode()
    assert "Tiến độ cài đặt Bluezone toàn tỉnh" in body and "Xếp hạng huyện, thị xã, thành phố" in body


@pytest.mark.django_db
def test_api_errors_follow_accept_language(api_client, lan):
    vietnamese = api_client.get("/api/v1/units/")
    english = api_client.get("/api/v1/units/", HTTP_ACCEPT_LANGUAGE="en")
    assert vietnamese.status_code == english.status_code == 401
    assert vietnamese.json() == {"detail": "Chưa xác thực: gửi kèm tiêu đề “Authorization: Token <token>”."}
    assert english.json() == {"detail": "Not authenticated: send the header “Authorization: Token <token>”."}

    api_client.force_authenticate(lan)
    with time_machine.travel(DURING_CAMPAIGN, tick=False):
        refused = api_client.put(
            "/api/v1/units/31318/reports/2020-08-20/", {"residents_installed": "abc"},
            format="json", HTTP_ACCEPT_LANGUAGE="en",
        )
    assert refused.status_code == 400
    assert refused.json()["residents_installed"] == ["Residents installed: must be a whole number of zero or more."]


# --- the Vietnamese catalogue for the packages' English strings -----------------------------------


def test_password_validators_speak_the_portal_vietnamese():
    # Django's own vi catalogue has no Vietnamese for the too-short message at all.
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        validate_password("123")
    assert refused.value.messages == [
        "Mật khẩu quá ngắn: cần ít nhất 8 ký tự.",
        "Mật khẩu này quá phổ biến, dễ bị đoán ra.",
        "Mật khẩu này chỉ gồm chữ số.",
    ]
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        validate_password("123")
    assert refused.value.messages[0] == "This password is too short. It must contain at least 8 characters."


@pytest.mark.django_db
def test_admin_refuses_a_short_password_in_vietnamese(hau_giang, lan):
    admin = User.objects.create_superuser("quantri", password="Mat-khau-quan-tri-2020", role="admin")
    response = logged_in(admin).post(
        f"/admin/units/user/{lan.pk}/password/", {"password1": "12345", "password2": "12345"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Mật khẩu quá ngắn: cần ít nhất 8 ký tự." in body and "Mật khẩu này chỉ gồm chữ số." in body


@pytest.mark.django_db
def test_token_endpoint_refuses_a_json_list_in_vietnamese(api_client):
    response = api_client.post("/api/v1/auth/token/", [1, 2], format="json")
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Dữ liệu không hợp lệ: cần một đối tượng JSON (dictionary) nhưng nhận được list."]
    }
    english = api_client.post("/api/v1/auth/token/", [1, 2], format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json() == {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}


@pytest.mark.django_db
def test_csrf_failure_page_is_vietnamese():
    # A login form left open across a cookie purge: Django's CSRF page, which Django's vi leaves English.
    response = Client(enforce_csrf_checks=True).post("/dang-nhap/", {"username": "lan", "password": "x"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "Không xác minh được mã chống giả mạo (CSRF). Yêu cầu đã bị hủy." in body
    assert "CSRF verification failed" not in body


# --- catalogue hygiene ----------------------------------------------------------------------------


def _entries(path: Path) -> list[polib.POEntry]:
    return [e for e in polib.pofile(str(path)) if not e.obsolete]


def _untranslated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return not entry.msgstr_plural or not all(entry.msgstr_plural.values())
    return not entry.msgstr


@pytest.mark.parametrize("path", [EN_PO, VI_PO], ids=["en", "vi"])
def test_catalogue_has_no_untranslated_fuzzy_or_obsolete_entries(path):
    catalogue = polib.pofile(str(path))
    assert not catalogue.metadata_is_fuzzy
    assert [e.msgid for e in catalogue if _untranslated(e) and not e.obsolete] == []
    assert [e.msgid for e in catalogue if "fuzzy" in e.flags] == []
    assert [e.msgid for e in catalogue if e.obsolete] == []


_PERCENT = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")
_BRACE = re.compile(r"(?<!\{)\{(\w*)(?:[:!][^}]*)?\}(?!\})")


@pytest.mark.parametrize("path", [EN_PO, VI_PO], ids=["en", "vi"])
def test_translations_keep_every_placeholder(path):
    wrong = []
    for entry in _entries(path):
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for pattern, flag in ((_PERCENT, "python-format"), (_BRACE, "python-brace-format")):
            if flag not in entry.flags:
                continue
            wanted = sorted(pattern.findall(entry.msgid))
            wrong += [(entry.msgid, text) for text in translations if sorted(pattern.findall(text)) != wanted]
    assert wrong == []


def _mo_key(entry) -> tuple:
    plural = tuple(sorted((int(k), v) for k, v in entry.msgstr_plural.items())) if entry.msgid_plural else ()
    return entry.msgctxt, entry.msgid, entry.msgid_plural, entry.msgstr if not entry.msgid_plural else "", plural


@pytest.mark.parametrize("path", [EN_PO, VI_PO], ids=["en", "vi"])
def test_compiled_catalogue_is_up_to_date_with_its_po_file(path):
    compiled = {_mo_key(e) for e in polib.mofile(str(path.with_suffix(".mo"))) if e.msgid}
    source = {_mo_key(e) for e in _entries(path) if not _untranslated(e) and "fuzzy" not in e.flags}
    assert source - compiled == set(), "run `make messages` to recompile"
    assert compiled - source == set(), "run `make messages` to recompile"


_SINGLE = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}
_CONTEXT = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}
_LITERAL = r"""([uUrR]?(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"))"""
_TEMPLATE_CALL = re.compile(r"\b(gettext|ngettext|pgettext|npgettext)\(\s*" + _LITERAL + r"(?:\s*,\s*" + _LITERAL + ")?")


def _python_msgids(source: str) -> set[tuple[str | None, str]]:
    """(context, msgid) of every gettext-family call with literal arguments, as xgettext finds them."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        args = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args]
        if name in _SINGLE and args and args[0]:
            found.add((None, args[0]))
        elif name in _CONTEXT and len(args) > 1 and args[0] and args[1]:
            found.add((args[0], args[1]))
    return found


def _template_msgids(text: str) -> set[tuple[str | None, str]]:
    found = set()
    for match in _TEMPLATE_CALL.finditer(templatize(text)):
        name, first, second = match.group(1), ast.literal_eval(match.group(2)), match.group(3)
        found.add((first, ast.literal_eval(second)) if name in ("pgettext", "npgettext") else (None, first))
    return found


def _project_files(suffixes: tuple[str, ...]):
    skip = {".venv", "node_modules", "var", "test-output", "tests", "locale"}
    for folder, subfolders, names in os.walk(ROOT):
        subfolders[:] = [d for d in subfolders if d not in skip and not d.startswith(".")]
        yield from (Path(folder) / name for name in names if name.endswith(suffixes))


def test_every_ui_string_of_the_code_and_templates_has_an_english_translation():
    in_code = set()
    for path in _project_files((".py",)):
        in_code |= _python_msgids(path.read_text(encoding="utf-8"))
    for path in _project_files((".html", ".txt")):
        in_code |= _template_msgids(path.read_text(encoding="utf-8"))
    translated = {(e.msgctxt, e.msgid) for e in _entries(EN_PO) if not _untranslated(e) and "fuzzy" not in e.flags}
    missing = sorted(msgid for _context, msgid in in_code - translated)
    assert missing == [], "run `make messages`, then translate the new entries of locale/en/LC_MESSAGES/django.po"
    assert len(in_code) > 500


def _package_msgids() -> set[tuple[str | None, str]]:
    """The English msgids the installed Django, DRF, django-axes and drf-spectacular really use."""
    known = set()
    for po in Path(django.__file__).parent.glob("**/locale/en/LC_MESSAGES/django.po"):
        known |= {(e.msgctxt, e.msgid) for e in polib.pofile(str(po))}
    import axes
    import drf_spectacular

    for package in (rest_framework, axes, drf_spectacular):
        for source in Path(package.__file__).parent.rglob("*.py"):
            known |= _python_msgids(source.read_text(encoding="utf-8"))
    return known


def test_vietnamese_catalogue_only_carries_msgids_the_packages_use():
    entries = _entries(VI_PO)
    assert len(entries) >= 250
    known = _package_msgids()
    unknown = sorted(e.msgid for e in entries if (e.msgctxt, e.msgid) not in known)
    assert unknown == []
