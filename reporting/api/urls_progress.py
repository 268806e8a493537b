from django.urls import path

from . import progress

urlpatterns = [
    path("progress/", progress.progress_retrieve, name="api_progress"),
]
