"""Redis stopped under the portal: submissions still save and answer fast; the deadline job catches up after.

The broker is a throwaway `redis-server` this test starts on a spare port
(no persistence), stops and starts again; the machine's own Redis is not used.
"""

from __future__ import annotations

import time
import uuid

import pytest
import time_machine
from celery import Celery
from django.test import Client
from django.urls import reverse

from bluezone_portal.celery import app as celery_app
from reporting.intake.services import report_submit
from reporting.models import DailyReport, MissedDeadline
from reporting.tasks import flag_missed_reports, publish
from tests.conftest import local
from tests.hardening.support import RedisServer, start_worker, stop_process, wait_for
from tests.reporting.api_support import client_for, report_url
from tests.reporting.flag_support import D1, D2, due_units


@pytest.fixture
def redis_server(tmp_path, settings, monkeypatch):
    """A throwaway Redis, and the portal's Celery app pointed at it."""
    server = RedisServer(tmp_path)
    server.start()
    saved = celery_app.conf.broker_url
    monkeypatch.setenv("CELERY_BROKER_URL", server.url)  # Celery prefers the variable to its configuration
    settings.CELERY_BROKER_URL = server.url
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    _forget_connections()
    celery_app.conf.broker_url = server.url
    try:
        yield server
    finally:
        _forget_connections()
        celery_app.conf.broker_url = saved
        server.stop()


def _forget_connections() -> None:
    """Drop the app's pooled connections; the producer pool outlives app.close() and keeps its old broker."""
    celery_app.close()
    celery_app.amqp._producer_pool = None


def _timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


@pytest.mark.integration
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_submissions_save_fast_and_the_tick_catches_up_when_it_returns(
    campaign, lan, hoa, redis_server, tmp_path,
):
    report_submit(user=lan, unit=lan.unit, day=D1, values={"residents_installed": 10}, now=local(2020, 8, 13, 10))
    assert publish(flag_missed_reports) is True  # the portal really talks to this broker: a live connection

    redis_server.stop()
    web = Client()
    web.force_login(hoa)
    with time_machine.travel(local(2020, 8, 14, 14, 0), tick=True):
        api, api_seconds = _timed(lambda: client_for(lan).put(
            report_url("31318", D2.isoformat()), {"residents_installed": 20}, format="json"))
        form, web_seconds = _timed(lambda: web.post(
            reverse("report_today"), {"date": D2.isoformat(), "residents_installed": "30"}))
        # What beat (or a request) would enqueue now is lost, quickly and quietly.
        sent, publish_seconds = _timed(lambda: publish(flag_missed_reports))
    assert api.status_code == 201 and api.json()["on_time"] is True
    assert form.status_code == 302 and form["Location"].startswith("/bao-cao/bien-nhan/")
    assert sent is False
    assert max(api_seconds, web_seconds, publish_seconds) < 3, (api_seconds, web_seconds, publish_seconds)
    assert DailyReport.objects.get(unit__code="31318", date=D2).residents_installed == 20
    assert DailyReport.objects.get(unit__code="31333", date=D2).residents_installed == 30
    health = Client().get("/healthz")
    assert health.status_code == 200 and health.json()["broker"] == "down"
    assert not MissedDeadline.objects.exists()

    redis_server.start()
    queue = f"bz-hard-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    worker = start_worker(broker_url=redis_server.url, queue=queue, log=log)
    producer = Celery("bz-hard-producer", broker=redis_server.url, set_as_current=False)
    assert producer.conf.broker_url == redis_server.url
    try:
        # Beat's next tick after the outage, two days late: it closes both days.
        producer.send_task("reporting.tasks.deadline_tick", kwargs={"now": local(2020, 8, 14, 15, 5, 0).isoformat()},
                           queue=queue)
        expected = 2 * len(due_units()) - 3  # Lan on time both days, Hoa on time on the 14th
        wait_for(lambda: MissedDeadline.objects.count() >= expected, timeout=60, what="the flags")
        wait_for(lambda: "succeeded in" in log.read_text(errors="replace"), timeout=30, what="the tick to finish")
    finally:
        producer.close()
        stop_process(worker)
    assert MissedDeadline.objects.count() == expected
    assert set(MissedDeadline.objects.values_list("date", flat=True)) == {D1, D2}
    flagged = set(MissedDeadline.objects.values_list("unit__code", "date"))
    assert ("31318", D1) not in flagged and ("31318", D2) not in flagged and ("31333", D2) not in flagged
    assert ("31333", D1) in flagged
    assert health.json()["database"] == "ok"
    assert Client().get("/healthz").json()["broker"] == "ok"
