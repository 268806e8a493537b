"""The portal on a phone's home screen, and the report form when the signal is lost (issue 16).

Served here: the web app manifest (/manifest.webmanifest, in the reader's
language) and the service worker (/sw.js, root scope; its code is
static/js/service_worker.js, with the asset list and a version put in front).
The worker keeps for offline use only pages the portal marks with
OFFLINE_HEADER — the report form of a unit user, GET, as drawn for that
user — in a cache named by `offline_owner`, so that two users of one phone
never see each other's pages; the page scripts (static/js/offline.js)
remove other owners' pages and, at logout, everything (with the
Clear-Site-Data header of units.views.PortalLogoutView).

What is typed offline stays on the phone as "not sent" until the server's
receipt says otherwise (static/js/offline_form.js); the report's submission
key makes a report sent twice count once (reporting.intake.services).
"""

from __future__ import annotations

import functools
import hashlib
import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from units.models import Role, User

OFFLINE_HEADER = "X-Bluezone-Offline"
THEME_COLOUR = "#0b5cad"  # --blue of static/css/portal.css
BACKGROUND_COLOUR = "#f4f6f9"  # --bg
WORKER_SOURCE = "js/service_worker.js"
# What the kept form needs to be drawn with no signal: its style, its scripts, its icon.
WORKER_ASSETS = ("css/portal.css", "js/table_scroll.js", "js/offline.js", "js/offline_form.js", "icons/bluezone.svg")
ICONS = (
    ("icons/bluezone.svg", "any", "image/svg+xml", "any"),
    ("icons/bluezone-192.png", "192x192", "image/png", "any"),
    ("icons/bluezone-512.png", "512x512", "image/png", "any"),
    # The artwork fills the square and keeps its marks inside the central circle, so it is maskable as it is.
    ("icons/bluezone-512.png", "512x512", "image/png", "maskable"),
)


def offline_owner(user: User | None) -> str:
    """The name under which `user`'s pages and unsent reports are kept on a phone; "" for who has no form.

    A keyed hash of the account, not its id: it names caches and storage keys and is seen by scripts.
    """
    if user is None or not user.is_authenticated or user.role != Role.REPORTER or not user.unit_id:
        return ""
    return salted_hmac("units.offline.owner", str(user.pk)).hexdigest()[:24]


def page_keep_offline(response: HttpResponse, *, user: User) -> HttpResponse:
    """Let the service worker keep this page for `user` (only a unit user's report form asks)."""
    if owner := offline_owner(user):
        response[OFFLINE_HEADER] = owner
    return response


def offline(request: HttpRequest) -> dict:
    """Template context: the signed-in user's offline name (the pages' scripts read it from <body>)."""
    return {"offline_owner": offline_owner(getattr(request, "user", None))}


@require_GET
def web_manifest(request: HttpRequest) -> HttpResponse:
    """The manifest, in the language of ?lang= (the page links its own) or the reader's."""
    language = request.GET.get("lang")
    if language not in dict(settings.LANGUAGES):
        language = translation.get_language()
    with translation.override(language):
        # A unit user's app opens on the form the worker keeps; everyone else on their usual first page.
        start = reverse("report_today") if offline_owner(getattr(request, "user", None)) else "/"
        manifest = {
            "id": "/",
            "name": _("Bluezone Hậu Giang"),
            "short_name": _("Bluezone HG"),
            "description": _("Báo cáo cài đặt Bluezone hằng ngày của các đơn vị tỉnh Hậu Giang"),
            "lang": language,
            "dir": "ltr",
            "start_url": start,
            "scope": "/",
            "display": "standalone",
            "orientation": "portrait",
            "theme_color": THEME_COLOUR,
            "background_color": BACKGROUND_COLOUR,
            "icons": [{"src": static(src), "sizes": sizes, "type": kind, "purpose": purpose}
                      for src, sizes, kind, purpose in ICONS],
        }
    response = JsonResponse(manifest, json_dumps_params={"ensure_ascii": False},
                            content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """static/js/service_worker.js at the root, so that its scope is the whole portal; always checked anew."""
    response = HttpResponse(worker_script(), content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


def worker_script() -> str:
    return _worker_script_cached() if not settings.DEBUG else _worker_script()


@functools.cache
def _worker_script_cached() -> str:
    return _worker_script()


def _worker_script() -> str:
    source = _read(WORKER_SOURCE)
    assets = [static(name) for name in WORKER_ASSETS]
    # A new version whenever the worker or a kept asset changes: the browser installs it and drops the old cache.
    digest = hashlib.sha256(source.encode())
    for name, url in zip(WORKER_ASSETS, assets, strict=True):
        digest.update(url.encode())
        digest.update(_read(name).encode())
    config = {
        "version": digest.hexdigest()[:16],
        "assets": assets,
        "staticUrl": settings.STATIC_URL,
        "formPath": reverse("report_today"),
        "header": OFFLINE_HEADER.lower(),
    }
    return f"self.BLUEZONE_WORKER = {json.dumps(config)};\n{source}"


def _read(name: str) -> str:
    path = finders.find(name)
    if path is None:
        raise FileNotFoundError(name)
    with open(path, encoding="utf-8") as handle:
        return handle.read()
