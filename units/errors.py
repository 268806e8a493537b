"""The portal's 404 and 500 handlers: JSON for the API; a database outage is a short 503, never a traceback.

Django turns an exception raised anywhere in the middleware stack or a view
into the `handler500` response (DRF views answer their own 503 in
reporting.api.errors). While PostgreSQL is down the session, the user and
even the page's own queries fail, so this page reads nothing from the
database: a plain template rendered without the request's context
processors, and JSON for /api/.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found as django_page_not_found
from django.views.defaults import server_error as django_server_error

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def database_unavailable(exc: BaseException | None) -> bool:
    return isinstance(exc, (OperationalError, InterfaceError))


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404: JSON for the API (a client reads `detail`), the portal's page for everything else."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Không tìm thấy.")}, status=404)
    return django_page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls the handler from inside its `except` block: the exception is the one being handled.
    exc = sys.exc_info()[1]
    if not database_unavailable(exc):
        return django_server_error(request)
    logger.warning("database unavailable: %s %s answered 503", request.method, request.path)
    message = _("Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau.")
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
