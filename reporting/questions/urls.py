from django.urls import path

from reporting.questions import views

urlpatterns = [
    path("cau-hoi/", views.question_list, name="question_list"),
    path("cau-hoi/hoi/", views.question_ask, name="question_ask"),
    path("cau-hoi/<int:pk>/", views.question_detail, name="question_detail"),
    path("cau-hoi/<int:pk>/tra-loi/", views.question_answer_post, name="question_answer"),
    path("cau-hoi/<int:pk>/dong/", views.question_close_post, name="question_close"),
]
