from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from reporting.watch import health
from units import views as unit_views
from units.paths import DayConverter, UnitCodeConverter

# Before the routes that use them are read.
register_converter(UnitCodeConverter, "unit_code")
register_converter(DayConverter, "day")

urlpatterns = [
    path("", unit_views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("dang-nhap/", unit_views.PortalLoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("reporting.urls")),
    path("api/", include("reporting.api.urls")),
]

# A database outage anywhere (session, user, view) answers a short 503, not a traceback.
handler500 = "units.errors.server_error"
# An address no route matches (a unit code too long to be one, a path of another shape): JSON under /api/.
handler404 = "units.errors.not_found"
