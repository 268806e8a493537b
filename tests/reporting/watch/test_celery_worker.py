"""The deadline watch through Celery: a real worker on Redis, and a portal that does not need the broker."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.core import mail
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from bluezone_portal.celery import app as celery_app
from reporting.models import DailyReport, MissedDeadline, Notification
from reporting.tasks import deadline_tick, enqueue, flag_missed_reports, publish
from tests.conftest import local
from tests.reporting.flag_support import D1, D2, D3, due_units, submit

BASE_DIR = Path(__file__).resolve().parents[3]
WORKER_BROKER = "redis://127.0.0.1:6379/10"  # this suite's own Redis database
DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_the_beat_ticks_every_minute_with_a_registered_task():
    entry = celery_app.conf.beat_schedule["deadline-tick"]
    assert entry["task"] == "reporting.tasks.deadline_tick"
    assert entry["schedule"] == 60.0
    assert entry["task"] in celery_app.tasks
    assert celery_app.conf.timezone == "Asia/Ho_Chi_Minh"
    assert celery_app.conf.task_serializer == "json" and celery_app.conf.accept_content == ["json"]
    assert celery_app.conf.task_acks_late is True and celery_app.conf.task_time_limit > 0


# --- a real worker on the real broker ------------------------------------------------------------


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _wait_for(predicate, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture
def worker(tmp_path, monkeypatch):
    """`celery worker` in a subprocess on Redis db 10, against this test's PostgreSQL database."""
    # Celery lets the CELERY_BROKER_URL variable (set by .ci/run) win over any configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", WORKER_BROKER)
    redis.Redis.from_url(WORKER_BROKER).flushdb()
    queue = f"bz-flags-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    env = os.environ | {
        "DATABASE_URL": _database_url(), "CELERY_BROKER_URL": WORKER_BROKER, "DEBUG": "on",
        "DJANGO_SETTINGS_MODULE": "bluezone_portal.settings", "PYTHONUNBUFFERED": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    }
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "bluezone_portal", "worker", "--pool=solo", "--loglevel=INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", queue, "-n", f"{queue}@%h"],
            cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
        try:
            yield {"queue": queue, "log": log, "process": process}
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
            redis.Redis.from_url(WORKER_BROKER).flushdb()


def _producer() -> Celery:
    """A client of the worker's broker, sending by task name as beat does."""
    producer = Celery("bz-flags-test", broker=WORKER_BROKER, set_as_current=False)
    assert producer.conf.broker_url == WORKER_BROKER
    return producer


@pytest.mark.integration
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_flags_missed_reports_through_redis(campaign, lan, thao, worker):
    thao.email = "thao@stttt.haugiang.gov.vn"
    thao.save()
    submit(lan, D1, local(2020, 8, 13, 9))
    now = local(2020, 8, 15, 15, 5, 0)  # the scheduler was down for two days: the tick catches up
    producer = _producer()
    producer.send_task("reporting.tasks.deadline_tick", kwargs={"now": now.isoformat()}, queue=worker["queue"])
    expected = len(due_units()) * 3 - 1
    _wait_for(lambda: MissedDeadline.objects.count() >= expected, timeout=60, what="the flags in PostgreSQL")
    assert MissedDeadline.objects.count() == expected
    assert set(MissedDeadline.objects.values_list("date", flat=True)) == {D1, D2, D3}
    assert not MissedDeadline.objects.filter(unit__code="31318", date=D1).exists()
    _wait_for(lambda: Notification.objects.filter(kind="summary", sent_at__isnull=False).exists(), timeout=30,
              what="the reviewers' summary")

    # A second tick (beat restarted, or two beats) changes nothing and sends nothing again.
    producer.send_task("reporting.tasks.deadline_tick", kwargs={"now": now.isoformat()}, queue=worker["queue"])
    _wait_for(lambda: worker["log"].read_text(errors="replace").count("succeeded in") >= 2, timeout=60,
              what="the second tick")
    producer.close()
    assert MissedDeadline.objects.count() == expected
    assert Notification.objects.filter(kind="summary").count() == 1
    log = worker["log"].read_text(errors="replace")
    # The console e-mail backend printed the one e-mail (the summary to the reviewer) once.
    assert log.count("\nSubject: ") == 1
    assert log.count("To: thao@stttt.haugiang.gov.vn") == 1


# --- the portal without a broker -----------------------------------------------------------------


@pytest.fixture
def dead_broker(settings, monkeypatch):
    """Point the portal's Celery app at a port where nothing listens, as when Redis is down."""
    saved = celery_app.conf.broker_url
    monkeypatch.setenv("CELERY_BROKER_URL", DEAD_BROKER)  # Celery prefers the variable to its configuration
    settings.CELERY_BROKER_URL = DEAD_BROKER
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    celery_app.close()
    celery_app.conf.broker_url = DEAD_BROKER
    assert celery_app.conf.broker_url == DEAD_BROKER
    yield
    celery_app.close()
    celery_app.conf.broker_url = saved


@pytest.mark.django_db
def test_publishing_to_a_dead_broker_fails_fast_and_quietly(dead_broker, caplog):
    started = time.monotonic()
    assert publish(flag_missed_reports) is False
    assert time.monotonic() - started < 3.5
    assert "broker unavailable" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_enqueue_waits_for_the_commit_and_never_raises(campaign, dead_broker, caplog):
    with transaction.atomic():
        enqueue(flag_missed_reports, date="2020-08-13")
        assert "broker unavailable" not in caplog.text  # nothing sent before the commit
    assert "broker unavailable" in caplog.text


@pytest.mark.django_db
def test_with_the_broker_down_an_api_submission_saves_and_answers_quickly(campaign, lan, dead_broker):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=lan).key}")
    day = "2020-08-20"
    started = time.monotonic()
    response = client.put(f"/api/v1/units/31318/reports/{day}/", {"residents_installed": 1200}, format="json")
    assert time.monotonic() - started < 3
    assert response.status_code == 201
    assert DailyReport.objects.get(unit__code="31318", date=day).residents_installed == 1200


@pytest.mark.django_db
def test_with_the_broker_down_a_web_submission_saves_and_answers_quickly(campaign, lan, dead_broker):
    client = Client()
    client.force_login(lan)
    started = time.monotonic()
    response = client.post(reverse("report_today"), {"date": "2020-08-20", "residents_installed": "1300"})
    assert time.monotonic() - started < 3
    assert response.status_code in (200, 302)
    assert DailyReport.objects.get(unit__code="31318", date=dt.date(2020, 8, 20)).residents_installed == 1300


@pytest.mark.django_db
def test_with_the_broker_down_the_tick_itself_still_works_when_run_in_process(campaign, dead_broker):
    """`manage.py flag_missed_reports` and the task body need only the database."""
    deadline_tick(now=local(2020, 8, 13, 15, 5, 0).isoformat())
    assert MissedDeadline.objects.filter(date=D1).count() == len(due_units())
    assert mail.outbox == []  # no user has an address here
