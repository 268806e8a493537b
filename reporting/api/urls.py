from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves its start-up script as a file: the CSP allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path("v1/", include("reporting.api.urls_reports")),
    path("v1/", include("reporting.api.urls_flags")),
    path("v1/", include("reporting.api.urls_progress")),
    path("v1/", include("reporting.api.urls_excel")),
    path("v1/", include("reporting.api.urls_whoami")),
    path("v1/", include("reporting.api.urls_questions")),
]
