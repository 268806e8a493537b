"""A request is timed when it reached the portal: the trusted proxy's stamp, or its arrival at Django."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client, RequestFactory

from reporting.models import DailyReport
from tests.conftest import local
from tests.reporting.api_support import client_for, report_url
from units.arrival import ArrivalStampMiddleware, arrival_stamp_parse

RECEIVED = local(2020, 8, 20, 15, 0, 0).replace(microsecond=200_000)


def stamp(at: dt.datetime) -> str:
    return f"t={at.timestamp():.3f}"


def test_the_proxy_stamp_is_read_to_the_millisecond():
    sent = local(2020, 8, 20, 14, 59, 59).replace(microsecond=700_000)
    assert arrival_stamp_parse(raw=stamp(sent), received_at=RECEIVED) == sent
    assert arrival_stamp_parse(raw=f"{sent.timestamp():.3f}", received_at=RECEIVED) == sent


@pytest.mark.parametrize("raw", ["", "t=", "yesterday", "t=1598-08-20", "t=-1", "t=1e9", "t=1598515199.8501234",
                                 "t=1598515199.85 extra", "\x00"])
def test_a_stamp_that_is_not_a_time_is_ignored(raw):
    assert arrival_stamp_parse(raw=raw, received_at=RECEIVED) is None


def test_a_stamp_from_the_future_or_too_old_is_not_believed(settings):
    settings.BLUEZONE_ARRIVAL_MAX_AGE_SECONDS = 60
    assert arrival_stamp_parse(raw=stamp(RECEIVED + dt.timedelta(seconds=30)), received_at=RECEIVED) is None
    assert arrival_stamp_parse(raw=stamp(RECEIVED - dt.timedelta(seconds=61)), received_at=RECEIVED) is None
    # A proxy clock a second ahead is tolerated, and never makes a request later than it reached Django.
    assert arrival_stamp_parse(raw=stamp(RECEIVED + dt.timedelta(seconds=1)), received_at=RECEIVED) == RECEIVED


def _arrival(settings, trusted: int, headers: dict) -> dt.datetime:
    settings.TRUSTED_PROXY_COUNT = trusted
    request = RequestFactory().get("/", headers=headers)
    with time_machine.travel(RECEIVED, tick=False):
        ArrivalStampMiddleware(lambda r: None)(request)
    return request.arrived_at


def test_the_stamp_is_believed_only_behind_a_trusted_proxy(settings):
    sent = stamp(local(2020, 8, 20, 14, 59, 59))
    assert _arrival(settings, 1, {"X-Request-Start": sent}) == local(2020, 8, 20, 14, 59, 59)
    # Without our proxy in front, anybody could write the header: the request is timed here.
    assert _arrival(settings, 0, {"X-Request-Start": sent}) == RECEIVED
    assert _arrival(settings, 1, {}) == RECEIVED


@pytest.mark.django_db
def test_an_api_report_is_timed_by_the_proxy_stamp(settings, campaign, lan):
    settings.TRUSTED_PROXY_COUNT = 1
    client = client_for(lan)
    with time_machine.travel(local(2020, 8, 20, 15, 0, 0).replace(microsecond=300_000), tick=False):
        answer = client.put(report_url("31318", "2020-08-20"), {"residents_installed": 10}, format="json",
                            headers={"X-Request-Start": stamp(local(2020, 8, 20, 14, 59, 59))})
    assert answer.status_code == 201, answer.content
    assert answer.json()["on_time"] is True


@pytest.mark.django_db
def test_a_forged_stamp_without_a_trusted_proxy_changes_nothing(settings, campaign, lan):
    settings.TRUSTED_PROXY_COUNT = 0
    web = Client()
    web.force_login(lan)
    with time_machine.travel(local(2020, 8, 20, 15, 0, 1), tick=False):
        web.post("/bao-cao/", {"date": "2020-08-20", "residents_installed": "10", "late_reason": "Mất mạng"},
                 headers={"X-Request-Start": stamp(local(2020, 8, 20, 14, 0))})
    assert DailyReport.objects.get(unit__code="31318").on_time is False
