"""POST /api/v1/auth/token/ and how the API treats requests without a valid token."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token

from tests.reporting.api_support import client_for

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def test_token_for_good_credentials_opens_the_api(api_client, lan):
    response = api_client.post(TOKEN_URL, {"username": "lan", "password": "Mat-khau-2020"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert token == Token.objects.get(user=lan).key
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/units/").status_code == 200


def test_token_is_the_same_on_every_request(api_client, lan):
    first = api_client.post(TOKEN_URL, {"username": "lan", "password": "Mat-khau-2020"}, format="json").json()
    second = api_client.post(TOKEN_URL, {"username": "lan", "password": "Mat-khau-2020"}, format="json").json()
    assert first == second


def test_wrong_password_is_a_400_in_vietnamese(api_client, lan):
    response = api_client.post(TOKEN_URL, {"username": "lan", "password": "sai"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Tên đăng nhập hoặc mật khẩu không đúng."]}


def test_unknown_user_answers_exactly_like_a_wrong_password(api_client, lan):
    response = api_client.post(TOKEN_URL, {"username": "khong-co", "password": "Mat-khau-2020"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Tên đăng nhập hoặc mật khẩu không đúng."]}


def test_inactive_user_gets_no_token(api_client, lan):
    lan.is_active = False
    lan.save()
    response = api_client.post(TOKEN_URL, {"username": "lan", "password": "Mat-khau-2020"}, format="json")
    assert response.status_code == 400


def test_missing_fields_are_named(api_client, db):
    response = api_client.post(TOKEN_URL, {}, format="json")
    assert response.status_code == 400
    assert response.json() == {"username": ["Tên đăng nhập: bắt buộc."], "password": ["Mật khẩu: bắt buộc."]}


@pytest.mark.parametrize("body", [
    {"username": "lan\x00", "password": "x"},
    {"username": {"$ne": ""}, "password": "x"},
    {"username": ["lan"], "password": "x"},
    {"username": "l" * 5000, "password": "x"},
])
def test_hostile_usernames_are_400_naming_the_field(api_client, lan, body):
    response = api_client.post(TOKEN_URL, body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["username"]
    assert response.json()["username"][0].startswith("Tên đăng nhập:")


@pytest.mark.parametrize("raw", ['{"username": "lan",', "[" * 100_000], ids=["truncated", "deep"])
def test_malformed_json_is_a_400(api_client, db, raw):
    response = api_client.generic("POST", TOKEN_URL, raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "Nội dung gửi lên không phải JSON hợp lệ."}


def test_the_token_endpoint_is_throttled(api_client, lan, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "3/minute"}}
    statuses = [
        api_client.post(TOKEN_URL, {"username": "lan", "password": f"sai-{i}"}, format="json").status_code
        for i in range(3)
    ]
    assert statuses == [400, 400, 400]
    response = api_client.post(TOKEN_URL, {"username": "lan", "password": "Mat-khau-2020"}, format="json")
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Quá nhiều yêu cầu. Vui lòng thử lại sau")
    assert int(response["Retry-After"]) > 0


def test_the_throttle_does_not_touch_the_rest_of_the_api(lan, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "1/minute"}}
    client = client_for(lan)
    assert [client.get("/api/v1/units/").status_code for _ in range(5)] == [200] * 5


# ------------------------------------------------------------ 401 without a valid token

def test_anonymous_is_401_with_the_token_scheme(api_client, db):
    response = api_client.get("/api/v1/units/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["detail"].startswith("Chưa xác thực")


@pytest.mark.parametrize("header", [
    "Token 0123456789abcdef0123456789abcdef01234567",
    "Token abc\x00def",
    "Token " + "a" * 500,
    "Token",
    "Token a b",
])
def test_a_bad_token_is_401_never_500(api_client, db, header):
    api_client.credentials(HTTP_AUTHORIZATION=header)
    response = api_client.get("/api/v1/units/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Token không hợp lệ hoặc tài khoản không còn hoạt động."}


def test_the_token_of_a_deactivated_account_stops_working(lan):
    client = client_for(lan)
    lan.is_active = False
    lan.save()
    assert client.get("/api/v1/units/").status_code == 401


def test_session_login_works_for_reads(client, lan):
    client.force_login(lan)
    assert client.get("/api/v1/units/").status_code == 200
