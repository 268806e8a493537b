"""Session timeouts, the Content-Security-Policy header, and NUL bytes refused at the door."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseBadRequest
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import redirect
from django.utils.translation import gettext as _

SESSION_STARTED = "bz_started"
SESSION_SEEN = "bz_seen"
SEEN_RESOLUTION_SECONDS = 60


class SessionTimeoutMiddleware:
    """Log out after an idle period and after an absolute lifetime.

    Shared phones and office PCs are common: a forgotten session must not
    stay open for days.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            started = request.session.get(SESSION_STARTED, now)
            seen = request.session.get(SESSION_SEEN, now)
            if now - seen > settings.SESSION_IDLE_TIMEOUT or now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                logout(request)
                messages.info(request, _("Phiên làm việc đã hết hạn, vui lòng đăng nhập lại."))
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect(f"{settings.LOGIN_URL_PATH}?next={request.path}")
            if SESSION_STARTED not in request.session:
                request.session[SESSION_STARTED] = started
            # Written at most once a minute: a live board polling every few seconds must not save its session
            # on every poll (a minute is nothing against a thirty-minute idle timeout).
            if now - seen >= SEEN_RESOLUTION_SECONDS or SESSION_SEEN not in request.session:
                request.session[SESSION_SEEN] = now
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Everything the portal loads comes from the portal itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class RejectNulBytesMiddleware:
    """A NUL byte in a page's address or query string is a 400, before any view sees it.

    No code, date or name of the portal contains one, and PostgreSQL refuses
    to be asked about such a string at all (a 500 in whichever view passes it on).
    The API is left to its own validation, which names the offending field.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            return self.get_response(request)
        if "\x00" in request.path or any("\x00" in key or any("\x00" in v for v in values)
                                          for key, values in request.GET.lists()):
            return HttpResponseBadRequest(_("Địa chỉ chứa ký tự không hợp lệ."),
                                          content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class PageCompressionMiddleware(GZipMiddleware):
    """Django's GZipMiddleware for pages only: the HTML a phone downloads (workbooks are zip files already).

    BREACH: Django masks the CSRF token anew in every response, and this
    middleware pads each gzip stream with random bytes, which is what Django
    provides against it.
    """

    COMPRESSIBLE = ("text/html",)

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(self.COMPRESSIBLE):
            return response
        return super().process_response(request, response)
