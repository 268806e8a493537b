from django.urls import path

from reporting.api import progress

urlpatterns = [
    path("progress/", progress.progress_retrieve, name="api_progress"),
]
