"""PostgreSQL stopped and restarted under traffic: clean 503s, full recovery, nothing committed lost.

Everything runs on throwaway servers this test starts on spare ports of
127.0.0.1: its own PostgreSQL cluster (initdb in a temporary directory) and
the portal under gunicorn in production mode (DEBUG off, a generated
SECRET_KEY). The machine's own PostgreSQL is not touched.
"""

from __future__ import annotations

import glob
import http.client
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import psycopg2
import pytest

from tests.hardening.support import BASE_DIR, PYTHON, free_port, port_open, stop_process, subprocess_env, wait_for

DAY = "2020-08-20"
OUTAGE_SECONDS = 3
SETUP = """
import json
from django.test import Client
from units.services import user_create
user, _password, token = user_create(username="lan", role="reporter", unit_code="31318", password="Mat-khau-2020")
client = Client()
client.force_login(user)
print("SETUP" + json.dumps({"token": token, "session": client.cookies["sessionid"].value}))
"""


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    path = found[-1] if found else shutil.which(name)
    assert path, f"{name} (PostgreSQL server binaries) is not installed"
    return path


def _as_postgres(command: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Cluster:
    """A PostgreSQL cluster of its own in a temporary directory, on a spare port."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="bz-pg-"))
        self.data, self.sockets, self.log = self.root / "data", self.root / "sock", self.root / "postgres.log"
        self.sockets.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.sockets, "postgres")
        self.port = free_port()

    def run(self, *command: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run(_as_postgres(list(command)), capture_output=True, text=True, timeout=timeout,
                              check=True, cwd=self.root)

    def init(self) -> None:
        self.run(_pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                 "--no-locale", "--no-instructions")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c max_connections=30"
        self.run(_pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "30",
                 "start")

    def stop(self, mode: str = "immediate") -> None:
        self.run(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            try:
                self.stop()
            except subprocess.CalledProcessError:
                pass
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def cluster():
    cluster = Cluster()
    try:
        cluster.init()
        cluster.start()
        cluster.run(_pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", "bluezone")
        yield cluster
    finally:
        print(f"\n--- postgres log ---\n{cluster.log.read_text(errors='replace')[-3000:]}" if cluster.log.exists() else "")
        cluster.destroy()


@pytest.fixture
def portal(cluster, tmp_path):
    """The portal in production mode against the throwaway cluster, under gunicorn."""
    env = subprocess_env(
        DATABASE_URL=cluster.url("bluezone"), DEBUG="off", SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="off", DJANGO_SETTINGS_MODULE="bluezone_portal.settings",
        CELERY_BROKER_URL="redis://127.0.0.1:1/0",  # no broker at all: submissions must not need one
        DB_CONNECT_TIMEOUT="2", CONN_MAX_AGE="60",  # persistent connections, as a busy deployment would use
    )
    manage = [PYTHON, "manage.py"]
    for command in (["migrate", "--noinput"], ["load_units"]):
        subprocess.run([*manage, *command], cwd=BASE_DIR, env=env, check=True, capture_output=True, timeout=180)
    out = subprocess.run([*manage, "shell", "-c", SETUP], cwd=BASE_DIR, env=env, check=True, capture_output=True,
                         text=True, timeout=60).stdout
    credentials = json.loads(out.split("SETUP", 1)[1])
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as out_file:
        process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "bluezone_portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--threads", "4", "--timeout", "30", "--graceful-timeout", "5"],
            cwd=BASE_DIR, env=env, stdout=out_file, stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: port_open(port), timeout=30, what="gunicorn")
        yield {"port": port, "log": log, **credentials}
    finally:
        stop_process(process)


def _request(port: int, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None):
    """One HTTP request with a hard timeout; (status, headers, body) or ('error', repr, elapsed)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    except OSError as exc:
        return "error", {}, repr(exc).encode()
    finally:
        connection.close()


def _api_put(portal: dict, number: int):
    body = json.dumps({"staff_installed": number, "note": f"put-{number}"}).encode()
    return _request(portal["port"], "PUT", f"/api/v1/units/31318/reports/{DAY}/", body=body, headers={
        "Authorization": f"Token {portal['token']}", "Content-Type": "application/json",
        "Accept": "application/json"})


def _web_post(portal: dict, number: int):
    csrf = secrets.token_hex(16)  # 32 characters: Django takes an unmasked secret equal to the cookie
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "date": DAY, "residents_installed": str(number),
                                   "note": f"web-{number}"}).encode()
    return _request(portal["port"], "POST", "/bao-cao/", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"sessionid={portal['session']}; csrftoken={csrf}"})


class Traffic:
    """Three clients PUT without pause, each PUT with its own note, until told to stop."""

    def __init__(self, portal: dict, clients: int = 3):
        self.portal = portal
        self.results: list[tuple[int, object, dict, bytes, float]] = []
        self.lock = threading.Lock()
        self.counter = 0
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._loop, name=f"traffic-{i}") for i in range(clients)]

    def _loop(self) -> None:
        while not self.stopping.is_set():
            with self.lock:
                self.counter += 1
                number = self.counter
            began = time.monotonic()
            status, headers, body = _api_put(self.portal, number)
            with self.lock:
                self.results.append((number, status, headers, body, time.monotonic() - began))
            time.sleep(0.05)

    def count(self, status) -> int:
        with self.lock:
            return sum(1 for r in self.results if r[1] == status)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)
        assert not any(thread.is_alive() for thread in self.threads)


@pytest.mark.postgres
def test_postgresql_stopped_mid_traffic_gives_clean_503s_and_loses_nothing(cluster, portal):
    started = time.monotonic()
    with Traffic(portal) as traffic:
        wait_for(lambda: traffic.count(200) >= 15, timeout=30, what="traffic before the outage")

        cluster.stop("immediate")  # as abrupt as a crash
        outage_began = time.monotonic()
        wait_for(lambda: traffic.count(503) >= 10, timeout=20, what="503s during the outage")
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - outage_began)))
        web_outage = _web_post(portal, 1)
        api_get_outage = _request(portal["port"], "GET", "/api/v1/units/", headers={
            "Authorization": f"Token {portal['token']}"})
        outage_seconds = time.monotonic() - outage_began

        cluster.start()
        ok_before = traffic.count(200)
        wait_for(lambda: traffic.count(200) >= ok_before + 15, timeout=30, what="recovery after the restart")
    web_after = _web_post(portal, 2)
    total = time.monotonic() - started

    statuses = {}
    for _number, status, _headers, _body, _seconds in traffic.results:
        statuses[status] = statuses.get(status, 0) + 1
    assert set(statuses) <= {200, 201, 503}, f"unexpected answers: {statuses}"
    assert statuses[201] == 1
    slowest = max(seconds for *_rest, seconds in traffic.results)
    assert slowest < 5, f"a request took {slowest:.1f} s"

    for _number, status, headers, body, _seconds in traffic.results:
        if status == 503:
            assert headers["Content-Type"] == "application/json"
            assert json.loads(body) == {"detail": "Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau."}
    assert api_get_outage[0] == 503 and b"Traceback" not in api_get_outage[2]

    status, headers, body = web_outage
    assert status == 503, body[:500]
    assert headers["Content-Type"].startswith("text/html")
    page = body.decode()
    assert "Cơ sở dữ liệu tạm thời không truy cập được" in page and 'lang="vi"' in page
    assert "Traceback" not in page and "psycopg2" not in page and "OperationalError" not in page
    assert len(body) < 3000
    assert web_after[0] == 302, web_after[2][:500]  # the web form saves again and sends to its receipt

    # Nothing that was acknowledged is missing, and the revision chain has no hole.
    acknowledged = {f"put-{n}" for n, status, *_ in traffic.results if status in (200, 201)} | {"web-2"}
    with psycopg2.connect(host="127.0.0.1", port=cluster.port, user="postgres", dbname="bluezone") as db, \
            db.cursor() as cursor:
        cursor.execute("SELECT r.number, r.note FROM reporting_reportrevision r ORDER BY r.number")
        stored = cursor.fetchall()
        cursor.execute("SELECT revision_count, note FROM reporting_dailyreport")
        (revision_count, last_note), = cursor.fetchall()
    db.close()
    notes = [note for _n, note in stored]
    assert acknowledged <= set(notes), f"lost: {sorted(acknowledged - set(notes))[:5]}"
    assert [n for n, _note in stored] == list(range(1, revision_count + 1))
    assert last_note == notes[-1]
    assert "web-1" not in notes  # the web POST that got the 503 saved nothing
    print(f"\nanswers {statuses}; outage {outage_seconds:.1f} s; slowest request {slowest:.2f} s; "
          f"test {total:.1f} s")
