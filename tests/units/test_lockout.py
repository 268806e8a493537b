"""Brute-force lockout by username on the login page and the token endpoint."""

import pytest

TOKEN_URL = "/api/v1/auth/token/"


@pytest.mark.django_db
def test_login_page_locks_a_username_after_five_failures(client, lan):
    statuses = [client.post("/dang-nhap/", {"username": "lan", "password": f"sai-{i}"}).status_code
                for i in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks
    response = client.post("/dang-nhap/", {"username": "lan", "password": "Mat-khau-2020"})
    assert response.status_code == 429
    assert "Tạm khóa đăng nhập" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_is_per_username_not_per_address(client, lan, hoa):
    for i in range(5):
        client.post("/dang-nhap/", {"username": "lan", "password": f"sai-{i}"})
    response = client.post("/dang-nhap/", {"username": "hoa", "password": "Mat-khau-2020"})
    assert response.status_code == 302  # same address, another user: signs in


@pytest.mark.django_db
def test_token_endpoint_locks_a_username_after_five_failures(api_client, lan):
    statuses = [api_client.post(TOKEN_URL, {"username": "lan", "password": f"sai-{i}"}, format="json").status_code
                for i in range(5)]
    assert statuses == [400, 400, 400, 400, 429]
    response = api_client.post(TOKEN_URL, {"username": "lan", "password": "Mat-khau-2020"}, format="json")
    assert response.status_code == 429
    assert "khóa" in response.json()["detail"]
    assert "token" not in response.json()


@pytest.mark.django_db
def test_a_success_before_the_limit_resets_the_count(client, lan):
    for i in range(4):
        client.post("/dang-nhap/", {"username": "lan", "password": f"sai-{i}"})
    assert client.post("/dang-nhap/", {"username": "lan", "password": "Mat-khau-2020"}).status_code == 302
    client.post("/dang-xuat/")
    for i in range(4):
        client.post("/dang-nhap/", {"username": "lan", "password": f"sai-{i}"})
    assert client.post("/dang-nhap/", {"username": "lan", "password": "Mat-khau-2020"}).status_code == 302
