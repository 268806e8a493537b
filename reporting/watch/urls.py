from django.urls import path

from reporting.watch import views

urlpatterns = [
    path("chua-bao-cao/", views.flags_board, name="flags_board"),
    path("chua-bao-cao/<str:code>/<str:date>/mien/", views.flags_excuse, name="flags_excuse"),
    path("chua-bao-cao/<str:code>/<str:date>/thu-hoi-mien/", views.flags_excuse_withdraw,
         name="flags_excuse_withdraw"),
    path("chua-bao-cao/<str:code>/<str:date>/ly-do-tre/", views.flags_late_reason, name="flags_late_reason"),
]
