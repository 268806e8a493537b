"""The portal as `make bench` serves it: what a deployment runs (bench/run.py starts one per round).

gunicorn with bluezone_portal/gunicorn_conf.py (the Dockerfile's command), DEBUG off, a secret of its own,
Redis for the cache and the broker as in docker-compose.yml (BENCH_CACHE_URL, BENCH_BROKER_URL: databases
11 and 9 by default), behind nginx with deploy/nginx/templates/bluezone.conf.template when nginx is
installed. Standard library and the portal's virtual environment only.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/11")
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/9")
NGINX_TEMPLATE = ROOT / "deploy" / "nginx" / "templates" / "bluezone.conf.template"
LOGS = ROOT / "var" / "bench"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def environment(database_url: str, **extra: str) -> dict[str, str]:
    """The caller's environment for the bench's own processes, with the bench's database and broker (never the
    broker of whoever started it)."""
    env = dict(os.environ)
    env.update({"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "bluezone_portal.settings",
                "PYTHONUNBUFFERED": "1", "LOG_LEVEL": "WARNING", "CELERY_BROKER_URL": BROKER_URL})
    env.update(extra)
    return env


# One secret for the whole run, as a deployment keeps its own: the rush's reviewer logs in once (setup) and
# stays logged in across server starts.
SECRET_KEY = secrets.token_urlsafe(50)


def production_env(database_url: str) -> dict[str, str]:
    """What a deployment sets: DEBUG off, its own secret, its host; no TLS in front of 127.0.0.1."""
    return environment(
        database_url, DEBUG="off", SECRET_KEY=SECRET_KEY, ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="off", SECURE_HSTS_SECONDS="0", CONN_MAX_AGE=os.environ.get("BENCH_CONN_MAX_AGE", "60"),
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _nginx() -> str | None:
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    return found if Path(found).exists() else None


def _nginx_config(directory: Path, *, port: int, upstream: str) -> Path:
    """The shipped server block (the docker-compose proxy's template, filled as its image fills it) in a
    minimal main configuration of our own: one worker, files under `directory`."""
    server = NGINX_TEMPLATE.read_text().replace("${NGINX_PORT}", f"127.0.0.1:{port}").replace(
        "${PORTAL_UPSTREAM}", upstream)
    (directory / "bluezone.conf").write_text(server)
    main = directory / "nginx.conf"
    main.write_text(f"""
daemon off;
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {directory}/body; proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi; uwsgi_temp_path {directory}/uwsgi; scgi_temp_path {directory}/scgi;
    include {directory}/bluezone.conf;
}}
""")
    return main


def _cache_flush() -> None:
    """Each server start begins with an empty answer cache (its own Redis database, BENCH_CACHE_URL)."""
    import redis

    redis.Redis.from_url(CACHE_URL, socket_connect_timeout=2).flushdb()


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
            sock.sendall(b"GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            return sock.recv(64).split(b" ")[1] in (b"200", b"503")
    except (OSError, IndexError):
        return False


SERVED = {"gunicorn": "bluezone_portal/gunicorn_conf.py", "workers": (os.cpu_count() or 1) + 1, "threads": 8,
          "cache": CACHE_URL, "broker": BROKER_URL, "proxy": None}


@contextmanager
def portal(database_url: str, label: str, **extra: str) -> Iterator[int]:
    """The portal as shipped, started afresh: gunicorn -c python:bluezone_portal.gunicorn_conf behind nginx.

    Yields the port to speak to (nginx's, or gunicorn's when nginx is missing). gunicorn's output, with its
    access log (on, as shipped), goes to var/bench/<label>.log; nginx's access log is off (the proxy's log
    is not the portal's work).
    """
    _cache_flush()
    directory = Path(tempfile.mkdtemp(prefix="bz-bench-"))
    portal_port, proxy_port = free_port(), free_port()
    env = {**production_env(database_url), "GUNICORN_BIND": f"127.0.0.1:{portal_port}", "CACHE_URL": CACHE_URL,
           "CELERY_BROKER_URL": BROKER_URL, "TRUSTED_PROXY_COUNT": "1", **extra}
    nginx = _nginx()
    SERVED["proxy"] = "nginx, deploy/nginx/templates/bluezone.conf.template" if nginx else None
    if nginx is None:
        env["TRUSTED_PROXY_COUNT"] = "0"
    processes = []
    LOGS.mkdir(parents=True, exist_ok=True)
    server_log = LOGS / (re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") + ".log")
    with open(server_log, "wb") as output:
        processes.append(subprocess.Popen(  # noqa: S603 — our own argv, no shell
            [str(Path(PYTHON).parent / "gunicorn"), "bluezone_portal.wsgi:application",
             "-c", "python:bluezone_portal.gunicorn_conf"], cwd=ROOT, env=env, stdout=output,
            stderr=subprocess.STDOUT))
        if nginx:
            config = _nginx_config(directory, port=proxy_port, upstream=f"127.0.0.1:{portal_port}")
            processes.append(subprocess.Popen([nginx, "-c", str(config), "-p", str(directory)],  # noqa: S603
                                              stdout=output, stderr=subprocess.STDOUT))
    port = proxy_port if nginx else portal_port
    try:
        for _ in range(240):
            if _answers(port):
                break
            time.sleep(0.5)
        else:
            raise SystemExit(f"the portal did not answer on /healthz (see {server_log})")
        log(f"portal ({label}): gunicorn {SERVED['workers']}×{SERVED['threads']} on {portal_port}"
            + (f", nginx on {proxy_port}" if nginx else ", no nginx"))
        yield port
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(timeout=30)
        shutil.rmtree(directory, ignore_errors=True)
