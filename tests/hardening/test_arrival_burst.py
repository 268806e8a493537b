"""A burst just before 15:00 through the proxy, with the only worker busy, is judged on time — every report.

The shipped nginx template (deploy/nginx/templates) in front of gunicorn with
the shipped configuration (bluezone_portal/gunicorn_conf.py) cut down to one
worker with one thread, busy with a phone that trickles its upload. The
campaign's deadline is set a few seconds ahead of the real clock. Reports
sent 0.3 s before it wait for the worker and are written after it; those
that came through the proxy carry its arrival stamp and are on time, the
control group sent straight to gunicorn (no stamp) is judged when the worker
got to it — late — which shows the queue was real.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import secrets
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from reporting.models import DailyReport
from tests.hardening.support import (
    BASE_DIR,
    PYTHON,
    database_url,
    free_port,
    port_open,
    stop_process,
    subprocess_env,
    wait_for,
)
from units.models import Campaign, Unit
from units.services import user_create

TEMPLATE = BASE_DIR / "deploy" / "nginx" / "templates" / "bluezone.conf.template"
PROXIED, DIRECT = 24, 4
LEAD = dt.timedelta(seconds=6)  # from now to the deadline: time to start the busy upload first


def _nginx_config(tmp: Path, *, port: int, upstream: str) -> Path:
    server = TEMPLATE.read_text().replace("${NGINX_PORT}", str(port)).replace("${PORTAL_UPSTREAM}", upstream)
    (tmp / "bluezone.conf").write_text(server)
    main = tmp / "nginx.conf"
    main.write_text(f"""
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
    include {tmp}/bluezone.conf;
}}
""")
    return main


@pytest.fixture
def stack(tmp_path, campaign):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is not installed (.ci/run installs Debian's nginx)"
    portal_port, proxy_port = free_port(), free_port()
    env = subprocess_env(
        DATABASE_URL=database_url(), DEBUG="off", SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost", SECURE_SSL_REDIRECT="off",
        DJANGO_SETTINGS_MODULE="bluezone_portal.settings", CELERY_BROKER_URL="redis://127.0.0.1:1/0",
        TRUSTED_PROXY_COUNT="1", GUNICORN_BIND=f"127.0.0.1:{portal_port}", WEB_CONCURRENCY="1",
        GUNICORN_THREADS="1", CONN_MAX_AGE="60",
    )
    with open(tmp_path / "gunicorn.log", "wb") as log:
        portal = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "bluezone_portal.wsgi:application", "-c", "python:bluezone_portal.gunicorn_conf"],
            cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    config = _nginx_config(tmp_path, port=proxy_port, upstream=f"127.0.0.1:{portal_port}")
    with open(tmp_path / "nginx.out", "wb") as log:
        proxy = subprocess.Popen([nginx, "-c", str(config), "-p", str(tmp_path)], stdout=log,
                                 stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: port_open(portal_port) and port_open(proxy_port), timeout=60, what="gunicorn and nginx")
        # The worker has loaded the portal before anything is timed.
        wait_for(lambda: _get(proxy_port, "/healthz") == 200, timeout=60, what="the portal behind the proxy")
        yield {"portal": portal_port, "proxy": proxy_port, "log": tmp_path / "gunicorn.log"}
    finally:
        stop_process(proxy)
        stop_process(portal)


def _get(port: int, path: str):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


def _put(port: int, *, code: str, day: dt.date, token: str, results: dict):
    body = json.dumps({"residents_installed": 10, "note": "14:59"}).encode()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("PUT", f"/api/v1/units/{code}/reports/{day.isoformat()}/", body=body, headers={
            "Host": "127.0.0.1", "Authorization": f"Token {token}", "Content-Type": "application/json"})
        response = connection.getresponse()
        results[code] = (response.status, json.loads(response.read() or b"null"))
    except Exception as exc:  # surfaced as a wrong status below
        results[code] = ("error", repr(exc))
    finally:
        connection.close()


def _busy_upload(port: int, *, code: str, day: dt.date, token: str, until: float) -> threading.Thread:
    """A phone on a weak signal: the worker's only thread reads its body, byte by byte, until `until`."""
    body = json.dumps({"residents_installed": 1, "note": "x" * 40}).encode()

    def run():
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        try:
            sock.sendall((f"PUT /api/v1/units/{code}/reports/{day.isoformat()}/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          f"Authorization: Token {token}\r\nContent-Type: application/json\r\n"
                          f"Content-Length: {len(body)}\r\n\r\n").encode())
            pause = max(0.0, until - time.monotonic()) / len(body)
            for byte in body:
                sock.sendall(bytes([byte]))
                time.sleep(pause)
            sock.recv(65536)
        finally:
            sock.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _deadline_ahead(campaign: Campaign) -> tuple[dt.datetime, dt.date]:
    """Move the campaign's 15:00 to a few seconds from now (the deadline is campaign data, not code)."""
    deadline = timezone.now() + LEAD
    local = deadline.astimezone(campaign.zone)
    campaign.deadline = local.time()
    campaign.start_date = local.date() - dt.timedelta(days=1)
    campaign.target_date = local.date() + dt.timedelta(days=1)
    campaign.save()
    return deadline, local.date()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_burst_sent_just_before_the_deadline_through_the_proxy_is_on_time_with_the_worker_busy(stack, campaign):
    communes = list(Unit.objects.filter(kind__in=("ward", "commune", "township"), active=True)
                    .order_by("code")[:PROXIED + DIRECT + 1])
    tokens = {}
    for unit in communes:
        user, _password, _token = user_create(username=f"burst-{unit.code}", role="reporter", unit_code=unit.code,
                                              password=secrets.token_urlsafe(12))
        tokens[unit.code] = Token.objects.get_or_create(user=user)[0].key
    busy, proxied, direct = communes[0], communes[1:PROXIED + 1], communes[PROXIED + 1:]
    deadline, day = _deadline_ahead(campaign)

    def monotonic_at(instant: dt.datetime) -> float:
        return time.monotonic() + (instant - timezone.now()).total_seconds()

    send_at = monotonic_at(deadline - dt.timedelta(seconds=0.3))
    upload = _busy_upload(stack["portal"], code=busy.code, day=day, token=tokens[busy.code],
                          until=monotonic_at(deadline + dt.timedelta(seconds=1.5)))
    results: dict[str, tuple] = {}
    senders = [threading.Thread(target=_put, daemon=True, kwargs={
        "port": stack["proxy"], "code": unit.code, "day": day, "token": tokens[unit.code], "results": results})
        for unit in proxied]
    senders += [threading.Thread(target=_put, daemon=True, kwargs={
        "port": stack["portal"], "code": unit.code, "day": day, "token": tokens[unit.code], "results": results})
        for unit in direct]
    time.sleep(max(0.0, send_at - time.monotonic()))
    sent = timezone.now()
    for sender in senders:
        sender.start()
    for sender in [*senders, upload]:
        sender.join(timeout=90)
    assert sent < deadline, "the burst left too late for this test to mean anything"

    statuses = {code: status for code, (status, _body) in results.items()}
    assert set(statuses.values()) == {201}, results
    reports = {r.unit.code: r for r in DailyReport.objects.filter(date=day).select_related("unit")}
    # The queue was real: the control group, timed when the worker got to it, is late ...
    assert [u.code for u in direct if reports[u.code].on_time] == [], "the control group should have queued"
    # ... and everything that came through the proxy is on time, judged by when it arrived.
    late = [u.code for u in proxied if not reports[u.code].on_time]
    assert late == [], f"{len(late)} of {PROXIED} reports sent 0.3 s before the deadline were recorded late"
    assert all(results[u.code][1]["on_time"] is True for u in proxied)
    assert all(reports[u.code].first_submitted_at < deadline for u in proxied)
