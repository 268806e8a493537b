from django.urls import path

from reporting.excel import views

urlpatterns = [
    path("xuat-excel/", views.excel_export, name="excel_export"),
    path("nhap-excel/", views.excel_import, name="excel_import"),
    path("nhap-excel/mau.xlsx", views.excel_import_template, name="excel_import_template"),
]
