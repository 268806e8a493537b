"""One client address everywhere: a forged X-Forwarded-For gains nothing (throttle, lockout, audit, records)."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from reporting.intake.services import report_submit
from reporting.models import ReportRevision
from tests.reporting.flag_support import D1, after_deadline
from units.cache_fallback import cache as fallback_cache

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    fallback_cache.local.clear()
    yield
    cache.clear()
    fallback_cache.local.clear()


@pytest.fixture
def three_a_minute(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "3/minute"}}


def _token(api_client, *, forwarded: str, remote: str = "198.51.100.20"):
    return api_client.post(TOKEN_URL, {"username": "lan", "password": "Mat-khau-2020"}, format="json",
                           REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)


@pytest.mark.django_db
def test_a_new_forged_address_on_every_login_does_not_escape_the_throttle(api_client, lan, settings, three_a_minute):
    settings.TRUSTED_PROXY_COUNT = 0
    statuses = [_token(api_client, forwarded=f"10.9.{i}.{i}").status_code for i in range(6)]
    assert statuses == [200, 200, 200, 429, 429, 429]


@pytest.mark.django_db
def test_behind_the_proxy_only_the_address_it_saw_counts(api_client, lan, settings, three_a_minute):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client writes anything to the left; our proxy appends the address it saw (203.0.113.7).
    statuses = [_token(api_client, forwarded=f"10.9.{i}.{i}, 203.0.113.7", remote="172.18.0.2").status_code
                for i in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    # Another real client behind the same proxy is not held back by the first one's count.
    assert _token(api_client, forwarded="203.0.113.8", remote="172.18.0.2").status_code == 200


@pytest.mark.django_db
def test_an_attacker_cannot_lock_the_reviewer_out_from_another_address(thao, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker, reviewer = Client(), Client()
    for i in range(5):
        attacker.post("/dang-nhap/", {"username": "thao", "password": f"sai-{i}"},
                      HTTP_X_FORWARDED_FOR="198.51.100.66", REMOTE_ADDR="172.18.0.2")
    locked = attacker.post("/dang-nhap/", {"username": "thao", "password": "Mat-khau-2020"},
                           HTTP_X_FORWARDED_FOR="198.51.100.66", REMOTE_ADDR="172.18.0.2")
    assert locked.status_code == 429  # the attacker's own address is locked for this account
    # Rotating the forged part changes nothing for the attacker: the proxy's hop is the same.
    again = attacker.post("/dang-nhap/", {"username": "thao", "password": "Mat-khau-2020"},
                          HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.66", REMOTE_ADDR="172.18.0.2")
    assert again.status_code == 429
    signed_in = reviewer.post("/dang-nhap/", {"username": "thao", "password": "Mat-khau-2020"},
                              HTTP_X_FORWARDED_FOR="203.0.113.40", REMOTE_ADDR="172.18.0.2")
    assert signed_in.status_code == 302


@pytest.mark.django_db
def test_a_forged_address_never_reaches_the_audit_log(client, lan, settings, caplog):
    settings.TRUSTED_PROXY_COUNT = 0
    with caplog.at_level(logging.INFO, logger="bluezone.audit"):
        client.post("/dang-nhap/", {"username": "lan", "password": "sai"},
                    HTTP_X_FORWARDED_FOR="6.6.6.6", REMOTE_ADDR="10.0.0.5")
    lines = [r.getMessage() for r in caplog.records if r.name == "bluezone.audit"]
    assert lines and all("6.6.6.6" not in line for line in lines)
    assert any("10.0.0.5" in line for line in lines)


@pytest.mark.django_db
def test_the_late_reason_records_the_trusted_client_address(campaign, hoa, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    report_submit(user=hoa, unit=hoa.unit, day=D1, values={"residents_installed": 5}, now=after_deadline(D1))
    web = Client()
    web.force_login(hoa)
    answer = web.post(reverse("flags_late_reason", args=["31333", D1.isoformat()]), {"late_reason": "Mất điện"},
                      HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="172.18.0.2")
    assert answer.status_code == 302, answer.content[:300]
    latest = ReportRevision.objects.filter(unit__code="31333", date=D1).order_by("-number").first()
    assert latest.ip_address == "203.0.113.9"
