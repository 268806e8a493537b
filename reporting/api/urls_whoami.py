from django.urls import path

from reporting.api import whoami

urlpatterns = [
    path("auth/whoami/", whoami.whoami, name="api_whoami"),
]
