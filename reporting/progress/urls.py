from django.urls import path

from reporting.progress import views

urlpatterns = [
    path("tong-quan/", views.overview, name="dashboard_overview"),
    path("tong-quan/huyen/<str:code>/", views.district, name="dashboard_district"),
    path("tong-quan/co-quan/", views.agencies, name="dashboard_agencies"),
    path("tong-quan/tuan-thu/", views.compliance_board, name="dashboard_compliance"),
    path("tong-quan/cham-tien-do/", views.lagging, name="dashboard_lagging"),
    path("cong-khai/", views.public_progress, name="public_progress"),
]
