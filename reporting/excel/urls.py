from django.urls import path

from reporting.excel import views as views_excel

urlpatterns = [
    path("xuat-excel/", views_excel.excel_export, name="excel_export"),
    path("nhap-excel/", views_excel.excel_import, name="excel_import"),
    path("nhap-excel/mau.xlsx", views_excel.excel_import_template, name="excel_import_template"),
]
