"""A Celery worker killed (SIGKILL) in the middle of the deadline tick: after redelivery, the same end state.

The tick runs through a throwaway `redis-server` on a spare port with the
production Celery settings (acks_late, reject_on_worker_lost, prefetch 1).
A test-only e-mail backend (tests/hardening/slow_mail.py) hangs on the first
e-mail, after the flags are committed and while that e-mail's notification
is claimed; the test kills the worker there:

* prefork pool, the child killed: the parent requeues the message at once
  (reject_on_worker_lost) and a new child runs the tick again;
* the whole worker killed: the message stays unacknowledged in Redis and a
  worker started later gets it back (visibility timeout, 2 s in
  tests/hardening/worker_settings.py instead of an hour).

Either way: every flag once, every notification once, and every e-mail sent
exactly once — including the one that was being sent when the worker died.
"""

from __future__ import annotations

import email
import os
import signal
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery

from reporting.models import MissedDeadline, Notification
from tests.conftest import local
from tests.hardening.support import RedisServer, start_worker, stop_process, wait_for
from tests.reporting.flag_support import D1, due_units, submit

TICK_AT = local(2020, 8, 13, 15, 5, 0)


def _recipients(mail_dir: Path) -> list[str]:
    return sorted(email.message_from_bytes(path.read_bytes())["To"] for path in mail_dir.glob("*.eml"))


@pytest.fixture
def broker(tmp_path, monkeypatch):
    server = RedisServer(tmp_path)
    server.start()
    # Celery prefers the CELERY_BROKER_URL variable (set by .ci/run) to any broker given in code.
    monkeypatch.setenv("CELERY_BROKER_URL", server.url)
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.integration
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("killed", ["pool child", "whole worker"])
def test_a_worker_killed_mid_tick_ends_with_each_flag_and_e_mail_once(campaign, lan, hoa, minh, tuan, thao, broker,
                                                                      tmp_path, killed):
    for user in (lan, hoa, minh, tuan, thao):
        user.email = f"{user.username}@example.invalid"
        user.save(update_fields=["email"])
    submit(lan, D1, local(2020, 8, 13, 10))
    mail_dir, marker, log = tmp_path / "mail", tmp_path / "hang-once", tmp_path / "worker.log"
    mail_dir.mkdir()
    queue = f"bz-kill-{uuid.uuid4().hex[:8]}"
    worker_env = {
        "DJANGO_SETTINGS_MODULE": "tests.hardening.worker_settings",
        "EMAIL_BACKEND": "tests.hardening.slow_mail.SlowOnceBackend",
        "BZ_MAIL_DIR": str(mail_dir), "BZ_MAIL_MARKER": str(marker),
    }
    pool = "prefork" if killed == "pool child" else "solo"
    worker = start_worker(broker_url=broker.url, queue=queue, log=log, pool=pool, **worker_env)
    producer = Celery("bz-kill-producer", broker=broker.url, set_as_current=False)
    assert producer.conf.broker_url == broker.url
    workers = [worker]
    try:
        producer.send_task("reporting.tasks.deadline_tick", kwargs={"now": TICK_AT.isoformat()}, queue=queue)
        wait_for(marker.exists, timeout=60, what="the tick to reach its first e-mail")
        time.sleep(0.2)  # the pid is written before the sleep starts
        stuck_pid = int(marker.read_text())
        # The worker dies in the middle of the job: flags committed, the first e-mail not sent.
        assert MissedDeadline.objects.count() == len(due_units()) - 1
        assert _recipients(mail_dir) == []
        if killed == "pool child":
            assert stuck_pid != worker.pid
            os.kill(stuck_pid, signal.SIGKILL)
        else:
            assert stuck_pid == worker.pid
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
            time.sleep(2.5)  # past the visibility timeout: the next worker takes the message back
            workers.append(start_worker(broker_url=broker.url, queue=queue, log=log, pool=pool, **worker_env))

        expected = ["hoa@example.invalid", "minh@example.invalid", "thao@example.invalid", "tuan@example.invalid"]
        wait_for(lambda: _recipients(mail_dir) == expected, timeout=90,
                 what=f"the redelivered tick to send every e-mail (log: {log})")
        wait_for(lambda: "succeeded in" in log.read_text(errors="replace"), timeout=30, what="the tick to finish")
        time.sleep(1)  # anything sent twice would show now
    finally:
        producer.close()
        for process in workers:
            stop_process(process)

    assert _recipients(mail_dir) == expected
    assert MissedDeadline.objects.count() == len(due_units()) - 1
    assert not MissedDeadline.objects.filter(unit__code="31318").exists()
    notes = Notification.objects.order_by("kind", "recipient__username")
    assert [(n.kind, n.recipient.username) for n in notes] == [
        ("missed", "hoa"), ("missed", "minh"), ("missed", "tuan"), ("summary", "thao")]
    assert all(n.sent_at is not None for n in notes)
    text = log.read_text(errors="replace")
    if killed == "pool child":
        assert "WorkerLostError" in text or "SIGKILL" in text
    assert text.count("succeeded in") == 1
