"""GET /api/v1/auth/whoami/: an integrating system checks whose token it holds."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.reporting.api_support import client_for


def test_whoami_names_the_token_owner_and_role(lan, thao):
    assert client_for(lan).get("/api/v1/auth/whoami/").json() == {"username": "lan", "role": "reporter"}
    assert client_for(thao).get("/api/v1/auth/whoami/").json() == {"username": "thao", "role": "reviewer"}


def test_whoami_without_a_token_is_401(api_client, db):
    response = api_client.get("/api/v1/auth/whoami/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_whoami_reads_nothing_beyond_the_token_lookup(lan):
    client = client_for(lan)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/auth/whoami/").status_code == 200
    assert len(queries.captured_queries) == 1
