from django.urls import path

from reporting.api import excel

urlpatterns = [
    path("exports/daily.xlsx", excel.export_daily_xlsx, name="api_export_daily"),
    path("imports/template.xlsx", excel.import_template_xlsx, name="api_import_template"),
    path("imports/", excel.import_create, name="api_import"),
]
