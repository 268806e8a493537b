from django.contrib import admin
from django.urls import include, path, register_converter

from reporting.watch import health
from units import offline
from units import views as unit_views
from units.paths import DayConverter, UnitCodeConverter

# Before the routes that use them are read.
register_converter(UnitCodeConverter, "unit_code")
register_converter(DayConverter, "day")

urlpatterns = [
    path("", unit_views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("dang-nhap/", unit_views.PortalLoginView.as_view(), name="login"),
    path("dang-xuat/", unit_views.PortalLogoutView.as_view(), name="logout"),
    path("manifest.webmanifest", offline.web_manifest, name="web_manifest"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("reporting.urls")),
    path("api/", include("reporting.api.urls")),
]

# A database outage anywhere (session, user, view) answers a short 503, not a traceback.
handler500 = "units.errors.server_error"
# An address no route matches (a unit code too long to be one, a path of another shape): JSON under /api/.
handler404 = "units.errors.not_found"
