"""The load generator: a separate process that only speaks HTTP to 127.0.0.1.

Standard library only (threads and http.client), so `make bench` needs
nothing beyond the portal's own virtual environment. Reads one JSON job on
stdin, writes one JSON result on stdout:

  {"mode": "latency", "port": P, "path": "/api/...", "token": T, "requests": N, "warmup": W}
      → {"latencies": [seconds, ...], "errors": [...]}
  {"mode": "throughput", "port": P, "method": "GET"|"PUT", "clients": [{"token": T, "path": "...",
    "body": {...} | null, "grow": "field" | null}, ...], "seconds": S, "max_requests": N, "warmup": W}
      → {"completed": n, "elapsed": s, "errors": [...], "statuses": {...}}

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


def _request(port: int, method: str, path: str, token: str, body: dict | None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
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


def main() -> None:
    job = json.load(sys.stdin)
    result = latency(job) if job["mode"] == "latency" else throughput(job)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
