"""reporting.api.errors: DRF's own errors in Vietnamese, and a 503 (no traceback) when the database fails."""

from __future__ import annotations

from django.db import OperationalError, connection

from tests.reporting.api_support import client_for, report_url


def test_a_database_outage_is_a_clean_503(lan, monkeypatch):
    client = client_for(lan)

    def refuse(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    # Undone inside the test: the test database's own teardown needs a cursor.
    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", refuse)
        responses = (
            client.get("/api/v1/units/"),
            client.put(report_url("31318", "2020-08-20"), {"residents_installed": 5}, format="json"),
        )
    for response in responses:
        assert response.status_code == 503
        assert response.json() == {"detail": "Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau."}
        assert b"Traceback" not in response.content and b"Connection refused" not in response.content


def test_an_unsupported_method_is_405_in_vietnamese(lan):
    response = client_for(lan).delete(report_url("31318", "2020-08-20"))
    assert response.status_code == 405
    assert response.json() == {"detail": "Không hỗ trợ phương thức này."}


def test_an_unacceptable_format_is_406_in_vietnamese(lan):
    response = client_for(lan).get("/api/v1/units/", HTTP_ACCEPT="application/xml")
    assert response.status_code == 406
    assert response.json() == {"detail": "Chỉ trả lời dạng application/json."}
