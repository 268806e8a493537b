from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

from units.forms import PortalAuthenticationForm


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


class PortalLogoutView(auth_views.LogoutView):
    """Sign out, and tell the browser to drop what it kept of this portal (units.offline).

    Clear-Site-Data removes the service worker, its caches and the pages' storage, so that the next person on a
    shared phone finds nothing of this user's; the logout button's script has done the same already and warned
    about any report not yet sent (static/js/offline.js). Browsers honour the header on HTTPS and on localhost.
    """

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
