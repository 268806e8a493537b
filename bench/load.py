"""The load generator: a separate process that only speaks HTTP to 127.0.0.1.

Standard library only (threads and http.client), so `make bench` needs
nothing beyond the portal's own virtual environment. Reads one JSON job on
stdin, writes one JSON result on stdout:

  {"mode": "latency", "port": P, "path": "/api/...", "token": T, "requests": N, "warmup": W}
      → {"latencies": [seconds, ...], "errors": [...]}
  {"mode": "throughput", "port": P, "method": "GET"|"PUT", "clients": [{"token": T, "path": "...",
    "body": {...} | null, "grow": "field" | null}, ...], "seconds": S, "max_requests": N, "warmup": W}
      → {"completed": n, "elapsed": s, "errors": [...], "statuses": {...}}

  {"mode": "mixed", "port": P, "seconds": S, "warmup_seconds": W, "clients": [{"kind": K, "method": M,
    "path": "...", "token": T | null, "cookie": C | null, "body": {...} | null, "grow": ...,
    "live": bool, "pause": seconds}
    | {"kind": K, "sql": "...", "params": {...}, "dsn": "..."}, ...]}
      → {"kinds": {K: {"latencies": [...], "errors": [...], "error_count": n, "statuses": {...}}}, "elapsed": s}
      Every client runs for W + S seconds (and finishes the request it has begun); the requests that start
      after the first W seconds and before the end of the S that follow are timed, however long they take. A "sql" client times one statement over its own PostgreSQL connection,
      over and over, in the same window (the rush's raw-SQL baseline). A "live" client polls as a board's
      script does (X-Bluezone-Live, If-None-Match with its last ETag; a 304 is timed as K_not_modified),
      waiting "pause" seconds after each answer.

With "grow", each PUT sends the client's body with that field increased by
one every request, so every save is a real change of the figure.
"""

from __future__ import annotations

import http.client
import json
import sys
import threading
import time

HOST = "127.0.0.1"


def _request(port: int, method: str, path: str, token: str | None, body: dict | None,
             cookie: str | None = None, extra: dict | None = None, *, with_etag: bool = False):
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        headers = {"Accept": "application/json" if token else "text/html", "Accept-Encoding": "gzip", **(extra or {})}
        if token:
            headers["Authorization"] = f"Token {token}"
        if cookie:
            headers["Cookie"] = cookie
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        if with_etag:
            return response.status, response.read(), response.getheader("ETag")
        return response.status, response.read()
    finally:
        connection.close()


def latency(job: dict) -> dict:
    errors, latencies = [], []
    for i in range(job["warmup"] + job["requests"]):
        started = time.perf_counter()
        status, body = _request(job["port"], "GET", job["path"], job["token"], None)
        elapsed = time.perf_counter() - started
        if status != 200:
            errors.append(f"{status} {body[:200]!r}")
        elif i >= job["warmup"]:
            latencies.append(elapsed)
    return {"latencies": latencies, "errors": errors[:20], "error_count": len(errors)}


def throughput(job: dict) -> dict:
    port, method = job["port"], job["method"]
    deadline_box: list[float] = []
    lock = threading.Lock()
    counts = {"completed": 0, "issued": 0}
    errors: list[str] = []
    statuses: dict[str, int] = {}
    start_gate = threading.Barrier(len(job["clients"]) + 1)

    def client(spec: dict) -> None:
        body = dict(spec["body"]) if spec.get("body") else None
        for _ in range(job.get("warmup", 0)):
            if spec.get("grow"):
                body[spec["grow"]] += 1
            _request(port, method, spec["path"], spec["token"], body)
        start_gate.wait()
        while True:
            with lock:
                if counts["issued"] >= job["max_requests"] or time.perf_counter() >= deadline_box[0]:
                    return
                counts["issued"] += 1
            if spec.get("grow"):
                body[spec["grow"]] += 1
            try:
                status, text = _request(port, method, spec["path"], spec["token"], body)
            except OSError as error:
                status, text = 0, str(error).encode()
            with lock:
                statuses[str(status)] = statuses.get(str(status), 0) + 1
                if 200 <= status < 300:
                    counts["completed"] += 1
                elif len(errors) < 20:
                    errors.append(f"{status} {text[:200]!r}")
                if not 200 <= status < 300:
                    counts["errors"] = counts.get("errors", 0) + 1

    threads = [threading.Thread(target=client, args=(spec,)) for spec in job["clients"]]
    for thread in threads:
        thread.start()
    deadline_box.append(float("inf"))
    start_gate.wait()
    started = time.perf_counter()
    deadline_box[0] = started + job["seconds"]
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"completed": counts["completed"], "elapsed": elapsed, "error_count": counts.get("errors", 0),
            "errors": errors, "statuses": statuses}


def mixed(job: dict) -> dict:
    port, warmup, seconds = job["port"], job["warmup_seconds"], job["seconds"]
    kinds: dict[str, dict] = {}
    lock = threading.Lock()
    gate = threading.Barrier(len(job["clients"]) + 1)
    window: list[float] = []

    def record(kind: str, started: float, ended: float, status: int, text: bytes) -> None:
        with lock:
            entry = kinds.setdefault(kind, {"latencies": [], "errors": [], "error_count": 0, "statuses": {}})
            if not window[0] <= started <= window[1]:
                return
            entry["statuses"][str(status)] = entry["statuses"].get(str(status), 0) + 1
            if 200 <= status < 300:
                entry["latencies"].append(ended - started)
            else:
                entry["error_count"] += 1
                if len(entry["errors"]) < 20:
                    entry["errors"].append(f"{status} {text[:200]!r}")

    def http_client(spec: dict) -> None:
        body = dict(spec["body"]) if spec.get("body") else None
        etag: list[str] = []
        gate.wait()
        while time.perf_counter() < window[1]:
            if spec.get("grow"):
                body[spec["grow"]] += 1
            # A live board's poll (static/js/live_board.js): its last ETag, answered 304 while nothing changed.
            headers = {"X-Bluezone-Live": "1", **({"If-None-Match": etag[0]} if etag else {})} \
                if spec.get("live") else None
            started = time.perf_counter()
            try:
                status, text, tag = _request(port, spec["method"], spec["path"], spec.get("token"), body,
                                             spec.get("cookie"), headers, with_etag=True)
            except OSError as error:
                status, text, tag = 0, str(error).encode(), None
            ended = time.perf_counter()
            if status == 304:
                record(spec["kind"] + "_not_modified", started, ended, 200, b"")
            else:
                record(spec["kind"], started, ended, status, text)
            if tag:
                etag[:] = [tag]
            if spec.get("pause"):
                time.sleep(spec["pause"])

    def sql_client(spec: dict) -> None:
        import psycopg2  # the portal's own virtual environment has it; only this kind of client needs it

        connection = psycopg2.connect(spec["dsn"])
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                gate.wait()
                while time.perf_counter() < window[1]:
                    started = time.perf_counter()
                    cursor.execute(spec["sql"], spec["params"])
                    cursor.fetchall()
                    record(spec["kind"], started, time.perf_counter(), 200, b"")
        finally:
            connection.close()

    threads = [threading.Thread(target=sql_client if "sql" in c else http_client, args=(c,)) for c in job["clients"]]
    now = time.perf_counter()
    window.extend([now + 3600, now + 7200])  # nobody is timed before the gate opens
    for thread in threads:
        thread.start()
    gate.wait()
    began = time.perf_counter()
    window[0], window[1] = began + warmup, began + warmup + seconds
    for thread in threads:
        thread.join()
    return {"kinds": kinds, "elapsed": seconds}


def main() -> None:
    job = json.load(sys.stdin)
    result = {"latency": latency, "throughput": throughput, "mixed": mixed}[job["mode"]](job)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
