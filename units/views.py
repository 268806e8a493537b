from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache
from kombu import Connection

from .forms import PortalAuthenticationForm


def home(request):
    """Send each role to the page it opens most."""
    if not request.user.is_authenticated:
        return redirect("login")
    name = "report_today" if request.user.role == "reporter" else "dashboard_overview"
    try:
        return redirect(reverse(name))
    except NoReverseMatch:
        return redirect("admin:index" if request.user.is_staff else "login")


class PortalLoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = PortalAuthenticationForm
    redirect_authenticated_user = True


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _broker_ok() -> bool:
    try:
        with Connection(settings.CELERY_BROKER_URL, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
                        connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


@never_cache
def healthz(request):
    database = _database_ok()
    broker = _broker_ok()
    body = {
        "status": "ok" if database and broker else ("degraded" if database else "down"),
        "database": "ok" if database else "down",
        "broker": "ok" if broker else "down",
    }
    # The portal works without the broker (jobs catch up later), not without the database.
    return JsonResponse(body, status=200 if database else 503)
