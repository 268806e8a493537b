"""Helpers for the hardening tests: spare ports, bounded waits, throwaway servers."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def free_port() -> int:
    """A TCP port nobody listens on right now, on 127.0.0.1 only."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate: Callable, *, timeout: float, what: str, every: float = 0.2):
    """Poll `predicate` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def stop_process(process: subprocess.Popen, *, timeout: float = 15) -> None:
    """Terminate a subprocess this test started (and only it), then kill it if it lingers."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def database_url() -> str:
    """The URL of the test database this process uses (for subprocesses: a worker, a portal)."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class RedisServer:
    """A throwaway `redis-server` on a spare port: no persistence, stopped and started at will."""

    def __init__(self, log_dir: Path):
        self.port = free_port()
        self.log_dir = log_dir
        self.process: subprocess.Popen | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert shutil.which("redis-server"), "redis-server is not installed"
        self.starts += 1
        with open(self.log_dir / f"redis-{self.starts}.log", "wb") as log:
            self.process = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--daemonize", "no"],
                stdout=log, stderr=subprocess.STDOUT,
            )
        wait_for(lambda: port_open(self.port), timeout=10, what=f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            self.process = None
        wait_for(lambda: not port_open(self.port), timeout=10, what="redis-server to stop")


def subprocess_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"PYTHONUNBUFFERED": "1", **extra})
    return env


def start_worker(*, broker_url: str, queue: str, log: Path, pool: str = "solo", **extra_env: str) -> subprocess.Popen:
    """`celery worker` in a subprocess on `broker_url`, against this test's PostgreSQL database."""
    env = subprocess_env(**{
        "DATABASE_URL": database_url(), "CELERY_BROKER_URL": broker_url, "DEBUG": "on",
        "DJANGO_SETTINGS_MODULE": "bluezone_portal.settings",
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend", **extra_env,
    })
    command = [PYTHON, "-m", "celery", "-A", "bluezone_portal", "worker", f"--pool={pool}", "--loglevel=INFO",
               "--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", queue, "-n", f"{queue}@%h"]
    if pool == "prefork":
        command.append("--concurrency=1")
    with open(log, "ab") as out:
        return subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
