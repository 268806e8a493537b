from django.urls import path

from reporting.watch import views as views_flags

urlpatterns = [
    path("chua-bao-cao/", views_flags.flags_board, name="flags_board"),
    path("chua-bao-cao/<str:code>/<str:date>/mien/", views_flags.flags_excuse, name="flags_excuse"),
    path("chua-bao-cao/<str:code>/<str:date>/thu-hoi-mien/", views_flags.flags_excuse_withdraw,
         name="flags_excuse_withdraw"),
    path("chua-bao-cao/<str:code>/<str:date>/ly-do-tre/", views_flags.flags_late_reason, name="flags_late_reason"),
]
