from django.urls import path

from . import views_questions

urlpatterns = [
    path("cau-hoi/", views_questions.question_list, name="question_list"),
    path("cau-hoi/hoi/", views_questions.question_ask, name="question_ask"),
    path("cau-hoi/<int:pk>/", views_questions.question_detail, name="question_detail"),
    path("cau-hoi/<int:pk>/tra-loi/", views_questions.question_answer_post, name="question_answer"),
    path("cau-hoi/<int:pk>/dong/", views_questions.question_close_post, name="question_close"),
]
