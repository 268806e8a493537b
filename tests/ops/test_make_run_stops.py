"""`make run`'s supervisor: Ctrl-C or SIGTERM stops the web server, worker and beat, in a line or two."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from tests.hardening.support import (
    BASE_DIR,
    PYTHON,
    RedisServer,
    database_url,
    free_port,
    port_open,
    subprocess_env,
    wait_for,
)


@pytest.mark.integration
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_make_run_stops_in_one_line_worker_and_beat_included(campaign, tmp_path, how):
    redis = RedisServer(tmp_path)
    redis.start()
    port = free_port()
    log = tmp_path / "run.log"
    env = subprocess_env(DATABASE_URL=database_url(), CELERY_BROKER_URL=redis.url, DEBUG="on",
                         DJANGO_SETTINGS_MODULE="bluezone_portal.settings", BLUEZONE_TICK_SECONDS="2",
                         BEAT_SCHEDULE_FILENAME=str(tmp_path / "beat" / "schedule"))
    with open(log, "wb") as out:
        # Its own process group, as a terminal's foreground job is: Ctrl-C reaches the whole group.
        supervisor = subprocess.Popen([PYTHON, "-m", "bluezone_portal.devserver", f"127.0.0.1:{port}"],
                                      cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
                                      start_new_session=True)
    try:
        wait_for(lambda: port_open(port), timeout=60, what="the web server")
        wait_for(lambda: "ready" in log.read_text(errors="replace"), timeout=60, what="the worker")
        wait_for(lambda: "Sending due task" in log.read_text(errors="replace"), timeout=60, what="beat")
        before = len(log.read_text(errors="replace").splitlines())
        stopped_at = time.monotonic()
        os.killpg(supervisor.pid, how)
        supervisor.wait(timeout=30)
        seconds = time.monotonic() - stopped_at
    finally:
        if supervisor.poll() is None:
            os.killpg(supervisor.pid, signal.SIGKILL)
        redis.stop()
    text = log.read_text(errors="replace")
    # What the stop itself prints; a tick that was running finishes first and logs as usual.
    after = [line for line in text.splitlines()[before:]
             if line.strip() and "ForkPoolWorker" not in line and "Task reporting." not in line]
    assert "RecursionError" not in text and "Traceback" not in text
    assert any("stopping the web server, worker and beat" in line for line in after)
    assert len(after) <= 2, after  # the supervisor's line, and the worker's 'Warm shutdown'
    assert seconds < 15
    assert not port_open(port)
    # Nothing of the three is left running.
    leftovers = subprocess.run(["pgrep", "-f", f"runserver 127.0.0.1:{port}"], capture_output=True, text=True)
    assert leftovers.stdout.strip() == ""
