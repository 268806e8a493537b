from django.urls import path

from . import questions

urlpatterns = [
    path("questions/", questions.question_list, name="api_questions"),
    path("questions/<str:pk>/answer/", questions.question_answer_view, name="api_question_answer"),
    path("questions/<str:pk>/close/", questions.question_close_view, name="api_question_close"),
]
