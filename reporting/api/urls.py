"""Every route of the API, in one place (the schema and its browsable docs first).

A unit code and a day in a path go through units.paths' converters. A
path whose day is no date matches the route's twin, which calls the same
view with `date=None`: the view still checks who asks before it answers 400
naming the field, so nobody learns more from a malformed address.
"""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from reporting.api import auth, excel, flags, progress, questions, reports, units, whoami

# Extra arguments win over captured ones: the twin routes pass this instead of the text.
NOT_A_DAY = {"date": None}

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves its start-up script as a file: the CSP allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    # Who you are
    path("v1/auth/token/", auth.token_obtain, name="api_token"),
    path("v1/auth/whoami/", whoami.whoami, name="api_whoami"),
    # Units and their reports
    path("v1/units/", units.unit_list, name="api_units"),
    path("v1/units/<unit_code:code>/reports/<day:date>/", reports.unit_report, name="api_unit_report"),
    path("v1/units/<unit_code:code>/reports/<str:date>/", reports.unit_report, NOT_A_DAY,
         name="api_unit_report_not_a_day"),
    path("v1/reports/", reports.report_list, name="api_reports"),
    # The deadline watch
    path("v1/flags/", flags.flag_list, name="api_flags"),
    path("v1/flags/<unit_code:code>/<day:date>/excuse/", flags.flag_excuse, name="api_flag_excuse"),
    path("v1/flags/<unit_code:code>/<str:date>/excuse/", flags.flag_excuse, NOT_A_DAY,
         name="api_flag_excuse_not_a_day"),
    path("v1/compliance/", flags.compliance, name="api_compliance"),
    # Figures
    path("v1/progress/", progress.progress_retrieve, name="api_progress"),
    # Excel
    path("v1/exports/daily.xlsx", excel.export_daily_xlsx, name="api_export_daily"),
    path("v1/imports/template.xlsx", excel.import_template_xlsx, name="api_import_template"),
    path("v1/imports/", excel.import_create, name="api_import"),
    # Questions about a figure
    path("v1/questions/", questions.question_list, name="api_questions"),
    path("v1/questions/<str:pk>/answer/", questions.question_answer_view, name="api_question_answer"),
    path("v1/questions/<str:pk>/close/", questions.question_close_view, name="api_question_close"),
]
