from django.urls import path

from reporting.api import flags

urlpatterns = [
    path("flags/", flags.flag_list, name="api_flags"),
    path("flags/<str:code>/<str:date>/excuse/", flags.flag_excuse, name="api_flag_excuse"),
    path("compliance/", flags.compliance, name="api_compliance"),
]
