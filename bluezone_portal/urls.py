from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from reporting.watch import health
from units import views as unit_views

urlpatterns = [
    path("", unit_views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("dang-nhap/", unit_views.PortalLoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("reporting.intake.urls")),
    path("", include("reporting.watch.urls")),
    path("", include("reporting.progress.urls")),
    path("", include("reporting.excel.urls")),
    path("", include("reporting.questions.urls")),
    path("api/", include("reporting.api.urls")),
]

# A database outage anywhere (session, user, view) answers a short 503, not a traceback.
handler500 = "units.errors.server_error"
