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
