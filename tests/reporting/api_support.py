"""Helpers shared by the API tests."""

from __future__ import annotations

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def client_for(user) -> APIClient:
    """An API client sending the user's token, as a unit's own system would."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def report_url(code: str, day: str) -> str:
    return f"/api/v1/units/{code}/reports/{day}/"
