from django.urls import path

from reporting.api import auth, reports, units

urlpatterns = [
    path("auth/token/", auth.token_obtain, name="api_token"),
    path("units/", units.unit_list, name="api_units"),
    path("units/<str:code>/reports/<str:date>/", reports.unit_report, name="api_unit_report"),
    path("reports/", reports.report_list, name="api_reports"),
]
