"""The portal on a phone's home screen (units.offline): the manifest, the service worker, what the pages tell it.

The browser side (Chromium offline, the report kept as not sent, logout) is tests/browser/test_browser_offline_form.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from tests.conftest import local
from units import offline
from units.icons import SIZES, icon_file_name, icon_pixels, png_pixels
from units.offline import OFFLINE_HEADER, WORKER_ASSETS, offline_owner

pytestmark = pytest.mark.django_db

ICONS = Path(settings.BASE_DIR) / "static" / "icons"
DURING_CAMPAIGN = local(2020, 8, 20, 10, 0)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def during_campaign():
    with time_machine.travel(DURING_CAMPAIGN, tick=False):
        yield


# --- the manifest ------------------------------------------------------------------------------------------------------


def test_the_manifest_names_the_portal_in_vietnamese_and_opens_a_unit_user_on_the_form(lan):
    response = logged_in(lan).get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content.decode())
    assert (manifest["name"], manifest["short_name"], manifest["lang"]) == ("Bluezone Hậu Giang", "Bluezone HG", "vi")
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/bao-cao/", "/", "standalone")
    assert manifest["theme_color"] == "#0b5cad"
    assert "--blue: #0b5cad" in (Path(settings.BASE_DIR) / "static" / "css" / "portal.css").read_text()


def test_the_manifest_follows_the_language_the_page_links(client):
    english = json.loads(client.get("/manifest.webmanifest?lang=en").content.decode())
    assert (english["name"], english["lang"]) == ("Bluezone Hau Giang", "en")
    assert "Bluezone" in english["description"] and "Hậu" not in english["description"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert json.loads(client.get("/manifest.webmanifest").content.decode())["lang"] == "en"
    assert json.loads(client.get("/manifest.webmanifest?lang=xx").content.decode())["lang"] == "en"


@pytest.mark.parametrize("who", ["thao", "quang"])
def test_who_has_no_form_opens_the_app_on_their_usual_first_page(request, who):
    manifest = json.loads(logged_in(request.getfixturevalue(who)).get("/manifest.webmanifest").content.decode())
    assert manifest["start_url"] == "/"


def test_the_manifests_icons_are_served_and_include_the_sizes_a_phone_installs(client):
    manifest = json.loads(client.get("/manifest.webmanifest").content.decode())
    sizes = {(icon["sizes"], icon["type"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "image/png", "any"), ("512x512", "image/png", "any"), ("512x512", "image/png", "maskable"),
            ("any", "image/svg+xml", "any")} <= sizes
    for icon in manifest["icons"]:
        assert icon["src"].startswith(settings.STATIC_URL)
        assert finders.find(icon["src"].removeprefix(settings.STATIC_URL)), icon["src"]


def test_every_page_links_the_manifest_in_its_language(lan, during_campaign):
    client = logged_in(lan)
    html = client.get(reverse("report_today")).content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest?lang=vi" crossorigin="use-credentials">' in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "/manifest.webmanifest?lang=en" in client.get(reverse("report_today")).content.decode()


# --- the icons ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_the_png_icons_are_what_the_code_draws(size):
    width, height, pixels = png_pixels((ICONS / icon_file_name(size)).read_bytes())
    assert (width, height) == (size, size)
    assert pixels == icon_pixels(size), "run `manage.py draw_icons` and commit static/icons/"


def test_the_svg_icon_draws_the_same_marks_as_the_code():
    svg = (ICONS / "bluezone.svg").read_text()
    from units import icons

    for number in (icons.DOT * 512, icons.RING * 512, icons.WAVES * 512, icons.STROKE * 512):
        assert re.search(rf'"{number:g}"|\b{number:g}\b', svg), number
    assert 'fill="#0b5cad"' in svg


# --- the service worker ------------------------------------------------------------------------------------------------


def test_the_service_worker_is_served_from_the_root_as_javascript_and_always_checked_anew(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    # The portal's Content-Security-Policy applies to the worker too, and allows what it does (same origin only).
    assert "connect-src 'self'" in response["Content-Security-Policy"]
    body = response.content.decode()
    first = body.splitlines()[0]
    config = json.loads(first.removeprefix("self.BLUEZONE_WORKER = ").removesuffix(";"))
    assert config["formPath"] == "/bao-cao/" and config["header"] == OFFLINE_HEADER.lower()
    assert config["assets"] == [f"{settings.STATIC_URL}{name}" for name in WORKER_ASSETS]
    assert (Path(finders.find("js/service_worker.js")).read_text() in body)
    for asset in config["assets"]:
        assert client.get(asset).status_code == 200, asset


def test_the_workers_version_changes_with_what_it_keeps(client, tmp_path, settings):
    before = client.get("/sw.js").content.decode().splitlines()[0]
    assert before == client.get("/sw.js").content.decode().splitlines()[0]
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "portal.css").write_text("body { color: red; }")
    settings.STATICFILES_DIRS = [tmp_path, *settings.STATICFILES_DIRS]
    finders.get_finder.cache_clear()
    offline._worker_script_cached.cache_clear()  # a deploy restarts the portal after collectstatic
    try:
        after = client.get("/sw.js").content.decode().splitlines()[0]
    finally:
        finders.get_finder.cache_clear()
        offline._worker_script_cached.cache_clear()
    assert json.loads(after.split(" = ", 1)[1].rstrip(";"))["version"] != json.loads(
        before.split(" = ", 1)[1].rstrip(";"))["version"]


# --- which pages the worker may keep, for whom -------------------------------------------------------------------------


def test_a_unit_users_form_is_marked_for_the_phone_under_their_own_name(lan, hoa, during_campaign):
    response = logged_in(lan).get(reverse("report_today"))
    assert response[OFFLINE_HEADER] == offline_owner(lan)
    assert re.fullmatch(r"[0-9a-f]{24}", offline_owner(lan))
    assert offline_owner(lan) != offline_owner(hoa)
    html = response.content.decode()
    assert f'data-offline-owner="{offline_owner(lan)}" data-service-worker="/sw.js"' in html
    assert "js/offline_form.js" in html and "js/offline.js" in html


def test_a_district_users_form_for_a_commune_is_kept_too(minh, during_campaign):
    response = logged_in(minh).get(reverse("report_unit", args=["31318"]))
    assert response.status_code == 200 and response[OFFLINE_HEADER] == offline_owner(minh)


def test_a_posted_form_its_receipt_and_other_pages_are_never_marked(lan, during_campaign):
    client = logged_in(lan)
    refused = client.post(reverse("report_today"), {"date": "2020-08-20", "residents_installed": "-1"})
    assert refused.status_code == 200 and OFFLINE_HEADER not in refused
    saved = client.post(reverse("report_today"), {"date": "2020-08-20", "residents_installed": "12"})
    assert saved.status_code == 302 and OFFLINE_HEADER not in saved
    for path in (saved["Location"], reverse("report_history"), reverse("dashboard_overview"), "/api/v1/auth/whoami/"):
        assert OFFLINE_HEADER not in client.get(path), path


@pytest.mark.parametrize("who", ["thao", "quang"])
def test_who_has_no_form_gets_no_worker(request, who, during_campaign):
    user = request.getfixturevalue(who)
    assert offline_owner(user) == ""
    html = logged_in(user).get(reverse("dashboard_overview")).content.decode()
    assert "data-offline-owner" not in html and "data-service-worker" not in html


def test_signed_out_pages_name_nobody(client):
    html = client.get(reverse("login")).content.decode()
    assert "data-offline-owner" not in html and "js/offline.js" in html


# --- logout ------------------------------------------------------------------------------------------------------------


def test_logout_tells_the_browser_to_drop_the_sites_caches_and_storage(lan):
    client = logged_in(lan)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert "_auth_user_id" not in client.session


def test_the_logout_button_carries_its_warning_about_unsent_reports(lan, during_campaign):
    html = logged_in(lan).get(reverse("report_today")).content.decode()
    assert re.search(r'<form action="/dang-xuat/" method="post" class="inline" data-logout\s+'
                     r'data-text-pending="Điện thoại này còn báo cáo chưa gửi\.', html)
