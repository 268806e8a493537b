"""The deadline watch watches itself: a heartbeat per tick, /healthz, and a banner for DIC when it goes silent."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from reporting.models import WatchHeartbeat
from reporting.tasks import deadline_tick
from reporting.watch.heartbeat import DEADLINE_WATCH, heartbeat_record, watch_state
from tests.conftest import local
from tests.hardening.support import BASE_DIR, PYTHON, RedisServer, database_url, stop_process, subprocess_env, wait_for

BANNER = "Theo dõi hạn báo cáo đã ngừng"
NEVER = "Theo dõi hạn báo cáo chưa chạy lần nào"


def _page(user) -> str:
    web = Client()
    web.force_login(user)
    answer = web.get("/tong-quan/" if user.role != "reporter" else "/bao-cao/")
    assert answer.status_code == 200
    return answer.content.decode()


@pytest.mark.django_db
def test_each_tick_leaves_a_heartbeat(campaign):
    before = timezone.now()
    deadline_tick(now=local(2020, 8, 13, 16).isoformat())
    beat = WatchHeartbeat.objects.get(name=DEADLINE_WATCH)
    assert beat.last_tick_at >= before  # the real clock, not the day the tick judged
    assert beat.last_result["flags_created"] == 114
    assert watch_state().silent is False


@pytest.mark.django_db
def test_a_watch_silent_for_more_than_three_ticks_shows_a_banner_to_dic(campaign, thao, quang, lan, settings):
    settings.BLUEZONE_TICK_SECONDS = 60
    heartbeat_record(result={}, now=timezone.now() - dt.timedelta(seconds=181))
    assert BANNER in _page(thao) and BANNER in _page(quang)
    assert BANNER not in _page(lan)  # unit staff can do nothing about it
    health = Client().get("/healthz").json()
    assert health["watch"] == "silent" and health["status"] == "degraded"


@pytest.mark.django_db
def test_a_watch_that_ticked_within_three_intervals_shows_nothing(campaign, thao, settings):
    settings.BLUEZONE_TICK_SECONDS = 60
    heartbeat_record(result={}, now=timezone.now() - dt.timedelta(seconds=179))
    page = _page(thao)
    assert BANNER not in page and NEVER not in page
    assert Client().get("/healthz").json()["watch"] == "ok"


@pytest.mark.django_db
def test_a_watch_that_never_ran_is_said_so(campaign, thao):
    assert NEVER in _page(thao)
    assert Client().get("/healthz").json()["watch"] == "never"


@pytest.mark.django_db
def test_the_banner_follows_the_clock(campaign, thao, settings):
    settings.BLUEZONE_TICK_SECONDS = 60
    heartbeat_record(result={}, now=local(2020, 8, 20, 14, 55))
    with time_machine.travel(local(2020, 8, 20, 14, 57, 59), tick=False):
        assert BANNER not in _page(thao)
    with time_machine.travel(local(2020, 8, 20, 14, 58, 1), tick=False):
        assert "14:55 20/08/2020" in _page(thao)


@pytest.mark.integration
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_worker_with_embedded_beat_starts_where_no_schedule_folder_exists_and_ticks(campaign, tmp_path):
    """`celery worker -B` from a checkout without the schedule's folder: beat runs and the heartbeat moves."""
    server = RedisServer(tmp_path)
    server.start()
    schedule = tmp_path / "fresh" / "var" / "celerybeat-schedule"
    assert not schedule.parent.exists()
    log = tmp_path / "worker-beat.log"
    env = subprocess_env(
        DATABASE_URL=database_url(), CELERY_BROKER_URL=server.url, DEBUG="on",
        DJANGO_SETTINGS_MODULE="bluezone_portal.settings", BLUEZONE_TICK_SECONDS="1",
        BEAT_SCHEDULE_FILENAME=str(schedule), EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
    )
    with open(log, "wb") as out:
        worker = subprocess.Popen(
            [PYTHON, "-m", "celery", "-A", "bluezone_portal", "worker", "-B", "--pool=solo", "--loglevel=INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        first = wait_for(lambda: WatchHeartbeat.objects.filter(name=DEADLINE_WATCH).first(), timeout=60,
                         what=f"a first heartbeat ({log})")
        wait_for(lambda: WatchHeartbeat.objects.get(name=DEADLINE_WATCH).last_tick_at > first.last_tick_at,
                 timeout=30, what="a second heartbeat")
        assert schedule.parent.is_dir()
        assert watch_state().silent is False
    finally:
        stop_process(worker)
        server.stop()
    text = log.read_text(errors="replace")
    assert "FileNotFoundError" not in text and "Traceback" not in text
