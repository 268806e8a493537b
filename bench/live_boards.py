"""What N open live boards cost a running portal: requests per second, the share answered 304, latencies.

Each board is what static/js/live_board.js does: GET the board with the ETag it holds every `--interval`
seconds (boards start staggered over one interval). Meanwhile one writer changes the data every
`--write-every` seconds (the province's official figure, PUT through the API as DIC does), so the boards see
a change now and then, as on a real afternoon.

    # the portal with DEBUG off as bench/run.py starts it (SECURE_SSL_REDIRECT=off, no TLS on 127.0.0.1)
    python bench/live_boards.py --url http://127.0.0.1:8000 --username dic.reviewer --password ... \\
        --boards 200 --seconds 60 [--path /chua-bao-cao/] [--date 2020-08-20]

Writes bench/results/live_boards.json and prints a summary. Needs only the standard library.
"""

# ruff: noqa: S310 - every URL opened is built from --url, which main() accepts only as http(s)://
from __future__ import annotations

import argparse
import datetime as dt
import http.cookiejar
import json
import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "live_boards.json"


class _LocalPolicy(http.cookiejar.DefaultCookiePolicy):
    """Send the portal's Secure cookies to a plain-http 127.0.0.1 too: the benchmark runs without TLS in front."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True


def login(base: str, username: str, password: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar(policy=_LocalPolicy())
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/dang-nhap/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    request = urllib.request.Request(f"{base}/dang-nhap/", data=body.encode(),
                                     headers={"Referer": f"{base}/dang-nhap/"})
    answer = opener.open(request, timeout=10)
    if "/dang-nhap/" in answer.geturl():
        raise SystemExit("login failed")
    return opener


def api_token(base: str, username: str, password: str) -> str:
    request = urllib.request.Request(f"{base}/api/v1/auth/token/", method="POST",
                                     data=json.dumps({"username": username, "password": password}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())["token"]


class Board(threading.Thread):
    def __init__(self, *, opener, url: str, interval: float, start_after: float, until: float, log: list):
        super().__init__(daemon=True)
        self.opener, self.url, self.interval, self.start_after, self.until, self.log = (
            opener, url, interval, start_after, until, log)
        self.etag = ""

    def run(self) -> None:
        time.sleep(self.start_after)
        while time.monotonic() < self.until:
            started = time.monotonic()
            headers = {"X-Bluezone-Live": "1"}
            if self.etag:
                headers["If-None-Match"] = self.etag
            try:
                with self.opener.open(urllib.request.Request(self.url, headers=headers), timeout=30) as answer:
                    answer.read()
                    status, etag = answer.status, answer.headers.get("ETag", "")
            except urllib.error.HTTPError as error:
                status, etag = error.code, error.headers.get("ETag", "")
            except OSError:
                status, etag = 0, ""
            elapsed = time.monotonic() - started
            if status == 200:
                self.etag = etag
            self.log.append((status, elapsed))
            time.sleep(max(self.interval - elapsed, 0))


def writer(*, base: str, token: str, day: str, every: float, until: float, done: list) -> None:
    figure = 200_000
    while time.monotonic() < until:
        figure += 1
        request = urllib.request.Request(
            f"{base}/api/v1/units/93/reports/{day}/", method="PUT",
            data=json.dumps({"residents_installed": figure}).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Token {token}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                done.append(answer.status)
        except urllib.error.HTTPError as error:
            done.append(error.code)
        time.sleep(every)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--boards", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--interval", type=float, default=5)
    parser.add_argument("--write-every", type=float, default=10)
    parser.add_argument("--path", default="/chua-bao-cao/")
    parser.add_argument("--date", default="2020-08-20")
    args = parser.parse_args()
    base = args.url.rstrip("/")
    if urllib.parse.urlsplit(base).scheme not in ("http", "https"):
        raise SystemExit("--url must be an http:// or https:// address")
    url = f"{base}{args.path}?date={args.date}"
    openers = [login(base, args.username, args.password) for _ in range(min(args.boards, 10))]
    token = api_token(base, args.username, args.password)
    log: list = []
    writes: list = []
    began = time.monotonic()
    until = began + args.seconds
    boards = [Board(opener=openers[i % len(openers)], url=url, interval=args.interval,
                    start_after=args.interval * i / args.boards, until=until, log=log) for i in range(args.boards)]
    for board in boards:
        board.start()
    threading.Thread(target=writer, kwargs={"base": base, "token": token, "day": args.date,
                                            "every": args.write_every, "until": until, "done": writes},
                     daemon=True).start()
    for board in boards:
        board.join()
    seconds = time.monotonic() - began
    by_status: dict[int, list[float]] = {}
    for status, elapsed in log:
        by_status.setdefault(status, []).append(elapsed)

    def ms(values: list[float], q: float) -> float | None:
        if not values:
            return None
        ordered = sorted(values)
        return round(1000 * ordered[min(int(q * len(ordered)), len(ordered) - 1)], 1)

    result = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "url": url, "boards": args.boards,
        "interval_s": args.interval, "seconds": round(seconds, 1), "writes": len(writes),
        "requests": len(log), "requests_per_s": round(len(log) / seconds, 1),
        "share_304": round(len(by_status.get(304, [])) / max(len(log), 1), 3),
        "status_counts": {str(k): len(v) for k, v in sorted(by_status.items())},
        "latency_ms": {str(k): {"p50": ms(v, 0.5), "p95": ms(v, 0.95), "mean": round(1000 * statistics.mean(v), 1)}
                       for k, v in sorted(by_status.items())},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
