import pytest
import time_machine

from tests.conftest import local


@pytest.mark.django_db
def test_login_rotates_the_session_key(client, lan):
    client.get("/dang-nhap/")
    before = client.cookies.get("sessionid")
    client.post("/dang-nhap/", {"username": "lan", "password": "Mat-khau-2020"})
    after = client.cookies["sessionid"].value
    assert after and (before is None or before.value != after)


@pytest.mark.django_db
def test_idle_session_is_logged_out_after_30_minutes(client, lan):
    with time_machine.travel(local(2020, 8, 20, 9, 0), tick=False):
        client.force_login(lan)
        assert client.get("/healthz").status_code == 200
        assert client.get("/dang-nhap/").status_code == 302  # still signed in: redirected away from login
    with time_machine.travel(local(2020, 8, 20, 9, 29), tick=False):
        assert client.get("/dang-nhap/").status_code == 302
    with time_machine.travel(local(2020, 8, 20, 10, 0), tick=False):
        response = client.get("/dang-nhap/")
        assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
        assert client.get("/dang-nhap/").status_code == 200  # now anonymous


@pytest.mark.django_db
def test_session_ends_after_12_hours_even_when_active(client, lan):
    with time_machine.travel(local(2020, 8, 20, 7, 0), tick=False) as traveller:
        client.force_login(lan)
        client.get("/healthz")
        for _ in range(48):  # active every 15 minutes for 12 hours
            traveller.shift(15 * 60)
            client.get("/healthz")
        assert client.get("/dang-nhap/")["Location"] == "/"  # still signed in at exactly 12 h
        traveller.shift(15 * 60)
        response = client.get("/dang-nhap/")
        assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/?next=")


def test_pages_carry_a_self_only_content_security_policy(client):
    response = client.get("/dang-nhap/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_activity_is_written_to_the_session_at_most_once_a_minute(client, lan):
    """A live board polls every few seconds: its session row is not rewritten on every poll."""
    from django.contrib.sessions.models import Session

    def seen() -> int:
        return Session.objects.get(session_key=client.cookies["sessionid"].value).get_decoded()["bz_seen"]

    with time_machine.travel(local(2020, 8, 20, 9, 0), tick=False) as traveller:
        client.force_login(lan)
        client.get("/dang-nhap/")
        first = seen()
        traveller.shift(30)
        client.get("/dang-nhap/")
        assert seen() == first
        traveller.shift(31)
        client.get("/dang-nhap/")
        assert seen() == first + 61
