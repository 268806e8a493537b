from django.urls import path

from reporting.progress import views as views_dashboard

urlpatterns = [
    path("tong-quan/", views_dashboard.overview, name="dashboard_overview"),
    path("tong-quan/huyen/<str:code>/", views_dashboard.district, name="dashboard_district"),
    path("tong-quan/co-quan/", views_dashboard.agencies, name="dashboard_agencies"),
    path("tong-quan/tuan-thu/", views_dashboard.compliance_board, name="dashboard_compliance"),
    path("tong-quan/cham-tien-do/", views_dashboard.lagging, name="dashboard_lagging"),
    path("cong-khai/", views_dashboard.public_progress, name="public_progress"),
]
