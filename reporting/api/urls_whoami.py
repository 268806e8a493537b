from django.urls import path

from . import whoami

urlpatterns = [
    path("auth/whoami/", whoami.whoami, name="api_whoami"),
]
