from django.urls import path

from reporting.intake import views

# Fixed paths first: a unit code never collides with them because it is matched last.
urlpatterns = [
    path("bao-cao/", views.report_today, name="report_today"),
    path("bao-cao/lich-su/", views.report_history, name="report_history"),
    path("bao-cao/bien-nhan/<int:revision_id>/", views.report_receipt, name="report_receipt"),
    path("bao-cao/<str:code>/", views.report_unit, name="report_unit"),
    path("so-lieu-chinh-thuc/", views.official_figure, name="official_figure"),
]
