"""units.errors: a database error raised anywhere in a web request is a short Vietnamese 503 page.

The throwaway-cluster test (test_fault_postgres.py) proves it end to end; these
check the handler in-process, also on SQLite.
"""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection
from django.test import Client

MESSAGE = "Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau."


@pytest.fixture
def production_errors(settings):
    settings.DEBUG = False  # with DEBUG on Django shows its technical page instead of handler500


def _refuse(*args, **kwargs):
    raise OperationalError("could not connect to server: Connection refused\n\tIs the server running?")


@pytest.mark.parametrize("path", ["/bao-cao/", "/tong-quan/", "/bao-cao/lich-su/", "/dang-nhap/"])
def test_a_database_outage_on_a_web_page_is_a_short_vietnamese_503(lan, production_errors, monkeypatch, path):
    client = Client(raise_request_exception=False)
    client.force_login(lan)
    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", _refuse)
        response = client.get(path)
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html") and response["Retry-After"] == "30"
    page = response.content.decode()
    assert MESSAGE in page and 'lang="vi"' in page
    assert "Connection refused" not in page and "Traceback" not in page and "OperationalError" not in page


def test_a_database_outage_under_api_outside_drf_is_json(lan, production_errors, monkeypatch):
    """A session cookie makes the middleware read the database before DRF's own handler can answer."""
    client = Client(raise_request_exception=False)
    client.force_login(lan)
    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", _refuse)
        response = client.get("/api/v1/units/")
    assert response.status_code == 503
    assert response.json() == {"detail": MESSAGE}


def test_any_other_error_is_still_a_plain_500(lan, production_errors, monkeypatch):
    from reporting.intake import views as views_report

    def broken(*args, **kwargs):
        raise RuntimeError("not a database problem")

    monkeypatch.setattr(views_report, "report_form_state", broken)
    client = Client(raise_request_exception=False)
    client.force_login(lan)
    response = client.get("/bao-cao/")
    assert response.status_code == 500
    assert b"not a database problem" not in response.content
