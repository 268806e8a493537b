"""`make bench`: the national-scale benchmark of issue 7, end to end, on PostgreSQL.

1. migrate the benchmark database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/bz_bench;
   created when missing);
2. 100 units: generate_dataset, then flag-job and dashboard query counts;
3. the national tree (~11,400 units, 120 days): generate_dataset, VACUUM (ANALYZE) and CHECKPOINT (see
   database_settle), query counts again, the flag job's seconds, the national Excel workbook in a
   subprocess, the raw-SQL baselines;
4. the portal as shipped (issue 17): gunicorn with bluezone_portal/gunicorn_conf.py (the Dockerfile's
   command: one process per core plus one, 8 threads each), Redis for the cache and the broker (DBs 11 and
   9 by default: BENCH_CACHE_URL, BENCH_BROKER_URL), DEBUG off, a fresh SECRET_KEY, behind nginx with
   deploy/nginx/templates/bluezone.conf.template (straight to gunicorn when nginx is not installed), driven
   by bench/load.py in a separate process: /api/v1/progress/ latency with the answer cache off and on,
   then five rounds, each on a fresh server start, of 16 clients on the trivial /api/v1/auth/whoami/ and
   on PUT reports (distinct units);
5. informational: one round of each with the progress table dropped, and one with commits that do not
   wait for the disk (what the durable commit costs; never the portal's setting);
6. the 15:00 rush: BENCH_RUSH_WRITERS writers (16) save reports continuously while BENCH_RUSH_READERS
   readers (8) poll /api/v1/progress/ and the reviewers' national overview page, and one more client times
   the raw-SQL baseline (LATERAL) over and over in the same window, for BENCH_RUSH_SECONDS (30).

Prints one line per figure and writes everything to bench/results/latest.json.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

from stack import CACHE_URL, SERVED, environment, log, portal, production_env  # bench/ is on sys.path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RESULTS = ROOT / "bench" / "results" / "latest.json"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bz_bench"
PROGRESS_REQUESTS, PROGRESS_WARMUP = 60, 10
LOAD_SECONDS, LOAD_ROUNDS, LOAD_MAX_REQUESTS = 10, 5, 20_000
RUSH_WRITERS = int(os.environ.get("BENCH_RUSH_WRITERS", "16"))
RUSH_READERS = int(os.environ.get("BENCH_RUSH_READERS", "8"))
RUSH_SECONDS = float(os.environ.get("BENCH_RUSH_SECONDS", "30"))
RUSH_WARMUP = 5.0
OVERVIEW_POLL_SECONDS = 5.0  # reporting.live.POLL_SECONDS

TARGETS = {
    "progress_vs_sql": ("<=", 1.0),
    "submit_vs_trivial": (">=", 0.5),
    "progress_rush_vs_sql": ("<=", 1.0),
    "progress_uncached_vs_sql": ("<=", 1.0),
    "export_peak_mb": ("<=", 300),
}


def manage(database_url: str, *args: str, env: dict | None = None) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, check=True,  # noqa: S603 — our own argv, no shell
                   env=env or environment(database_url, DEBUG="on"))


def measure(database_url: str, command: str, env: dict | None = None) -> dict:
    out = subprocess.run([PYTHON, "bench/measure.py", command], cwd=ROOT, check=True, capture_output=True,  # noqa: S603
                         text=True, env=env or environment(database_url, DEBUG="on"))
    return json.loads(out.stdout)


def _connect(database_url: str, *, dbname: str | None = None, autocommit: bool = False):
    """A psycopg2 connection to the database of `database_url` (or to `dbname` on the same server)."""
    import psycopg2

    url = urlparse(database_url)
    connection = psycopg2.connect(host=url.hostname, port=url.port or 5432, user=url.username,
                                  password=url.password, dbname=dbname or url.path.lstrip("/"))
    connection.autocommit = autocommit
    return connection


def database_ensure(database_url: str) -> None:
    name = urlparse(database_url).path.lstrip("/")
    admin = _connect(database_url, dbname="postgres", autocommit=True)
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            log(f"creating database {name}")
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def sql_run(database_url: str, sql: str, params: list | None = None) -> None:
    connection = _connect(database_url)
    with connection, connection.cursor() as cursor:
        cursor.execute(sql, params)
    connection.close()


def database_settle(database_url: str) -> None:
    """After the bulk load, before anything is timed: what autovacuum and the checkpointer would have done.

    The national dataset is ~2.5 million rows written in a minute, 1.6 GB of WAL. Without this, the
    checkpoint that WAL triggers spreads its writes over the next few minutes, i.e. over the HTTP rounds
    (seen: 145 s of writes under the PUT rounds), and the raw-SQL baselines run on tables whose
    visibility map is unset (autovacuum may be off, as on the CI machine). Applied once, to every figure.
    """
    connection = _connect(database_url, autocommit=True)  # VACUUM cannot run in a transaction
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("CHECKPOINT")
    connection.close()


def load(job: dict) -> dict:
    out = subprocess.run([PYTHON, "bench/load.py"], cwd=ROOT, input=json.dumps(job), capture_output=True,  # noqa: S603
                         text=True, check=True)
    return json.loads(out.stdout)


def machine() -> dict:
    load1, load5, load15 = os.getloadavg()
    return {"cpus": os.cpu_count(), "loadavg": [round(load1, 2), round(load5, 2), round(load15, 2)],
            "python": platform.python_version(), "platform": platform.platform()}


def _throughput(port: int, clients: list[dict], method: str, seconds: float) -> dict:
    return load({"mode": "throughput", "port": port, "method": method, "seconds": seconds,
                 "max_requests": LOAD_MAX_REQUESTS, "warmup": 2, "clients": clients})


def _summed(runs: list[dict]) -> dict:
    """Several runs of one kind as one: completed ÷ elapsed over all of them."""
    statuses: dict[str, int] = {}
    for run in runs:
        for code, count in run["statuses"].items():
            statuses[code] = statuses.get(code, 0) + count
    return {"completed": sum(r["completed"] for r in runs), "elapsed": sum(r["elapsed"] for r in runs),
            "error_count": sum(r["error_count"] for r in runs), "errors": [e for r in runs for e in r["errors"]][:20],
            "statuses": statuses, "runs_rps": [round(r["completed"] / r["elapsed"], 1) for r in runs]}


def http_figures(database_url: str, setup: dict, sql_text: str) -> dict:
    """Latency of /api/v1/progress/ with the answer cache off, then on; trivial and PUT throughput in five
    rounds, each on a fresh server start; the informational rounds; the rush."""
    clients = setup["clients"][:16]
    trivial_clients = [{"token": c["token"], "path": "/api/v1/auth/whoami/"} for c in clients]

    def put_clients(day: str, base: int, chosen: list[dict] = clients) -> list[dict]:
        return [{"token": c["token"], "path": f"/api/v1/units/{c['unit']}/reports/{day}/",
                 "body": {"residents_installed": base + 37 * i, "staff_installed": 10, "family_installed": 20,
                          "note": "đo tải"}, "grow": "residents_installed"} for i, c in enumerate(chosen)]

    progress_path = f"/api/v1/progress/?date={setup['progress_day']}"
    progress_job = {"mode": "latency", "token": setup["viewer_token"], "path": progress_path,
                    "requests": PROGRESS_REQUESTS, "warmup": PROGRESS_WARMUP}
    result: dict = {}
    with portal(database_url, "answer cache off", BLUEZONE_PROGRESS_CACHE="off") as port:
        result["progress_uncached"] = load({**progress_job, "port": port, "requests": PROGRESS_REQUESTS // 2})
    with portal(database_url, "answer cache on") as port:
        result["progress"] = load({**progress_job, "port": port})
    # submit_vs_trivial in five fresh runs: each round on a server started afresh, trivial then PUT.
    trivial, submit = [], []
    for round_ in range(LOAD_ROUNDS):
        with portal(database_url, f"fresh run {round_ + 1} of {LOAD_ROUNDS}") as port:
            trivial.append(_throughput(port, trivial_clients, "GET", LOAD_SECONDS))
            submit.append(_throughput(port, put_clients(setup["put_day"], 100 + 1000 * round_), "PUT", LOAD_SECONDS))
        trivial[-1]["loadavg"] = submit[-1]["loadavg"] = machine()["loadavg"]
    result["trivial"], result["submit"] = _summed(trivial), _summed(submit)
    result["fresh_runs"] = [{"submit_vs_trivial": round((s_["completed"] / s_["elapsed"])
                                                         / (t["completed"] / t["elapsed"]), 3),
                             "submit_rps": round(s_["completed"] / s_["elapsed"], 1),
                             "trivial_rps": round(t["completed"] / t["elapsed"], 1), "loadavg": t["loadavg"]}
                            for t, s_ in zip(trivial, submit, strict=True)]
    with portal(database_url, "informational rounds") as port:
        # The most a single report ever costs the progress table: a correction of the campaign's first day
        # changes every later day's carried-forward figure (informational).
        result["submit_first_day"] = _summed([_throughput(port, put_clients(setup["first_day"], 5000), "PUT",
                                                          LOAD_SECONDS)])
        # What keeping the progress table costs a save: the same rounds with the table dropped (no trigger
        # work then), after which the next read builds it again (informational).
        sql_run(database_url, "SELECT reporting_progress_forget()")
        result["trivial_no_table"] = _summed([_throughput(port, trivial_clients, "GET", LOAD_SECONDS)])
        result["submit_no_table"] = _summed([_throughput(port, put_clients(setup["put_day"], 7000), "PUT",
                                                         LOAD_SECONDS)])
        sql_run(database_url, "SELECT reporting_progress_rebuild(%s, %s)", [setup["span_first"], setup["span_last"]])
    # What the durable commit costs the ratio (informational, never how the portal runs): the same rounds
    # with PostgreSQL acknowledging commits before their WAL reaches the disk (synchronous_commit=off, set
    # for these connections only through libpq's PGOPTIONS).
    with portal(database_url, "commits not waiting for the disk", PGOPTIONS="-c synchronous_commit=off") as port:
        result["trivial_no_fsync"] = _summed([_throughput(port, trivial_clients, "GET", LOAD_SECONDS)])
        result["submit_no_fsync"] = _summed([_throughput(port, put_clients(setup["put_day"], 8000), "PUT",
                                                         LOAD_SECONDS)])
    with portal(database_url, "the rush") as port:
        result["rush"] = rush(database_url, port, setup, sql_text, put_clients(
            setup["put_day"], 20_000, setup["clients"][:RUSH_WRITERS]))  # above the rounds' figures: no drop
        result["rush"]["loadavg"] = machine()["loadavg"]
    return result


def rush(database_url: str, port: int, setup: dict, sql_text: str, writers: list[dict]) -> dict:
    """Issue 17's 15:00 rush: writers saving, readers polling the progress answer and the national overview
    page, and the raw-SQL baseline timed over and over in the same window."""
    url = urlparse(database_url)
    dsn = (f"host={url.hostname} port={url.port or 5432} dbname={url.path.lstrip('/')} user={url.username}"
           + (f" password={url.password}" if url.password else ""))
    day = setup["progress_day"]
    readers = []
    for i in range(RUSH_READERS):
        if i % 2 == 0:
            readers.append({"kind": "progress", "method": "GET", "path": f"/api/v1/progress/?date={day}",
                            "token": setup["viewer_token"]})
        else:
            # The overview is a live board: it polls itself every POLL_SECONDS after each answer, with
            # If-None-Match (static/js/live_board.js); while reports keep coming, every poll is a new page.
            readers.append({"kind": "overview", "method": "GET", "path": f"/tong-quan/?date={day}",
                            "cookie": setup["reviewer_cookie"], "live": True, "pause": OVERVIEW_POLL_SECONDS})
    baseline = {"kind": "sql", "sql": sql_text, "dsn": dsn,
                "params": {"day": day, "prefix": setup["root_path"] + "%"}}
    writers = [{**w, "kind": "submit", "method": "PUT"} for w in writers]
    log(f"rush: {len(writers)} writers, {len(readers)} readers and the raw SQL for {RUSH_SECONDS:.0f} s")
    return load({"mode": "mixed", "port": port, "seconds": RUSH_SECONDS, "warmup_seconds": RUSH_WARMUP,
                 "clients": [*writers, *readers, baseline]})


def main() -> None:
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    started = time.monotonic()
    results: dict = {"database": urlparse(database_url).path.lstrip("/"), "machine_start": machine()}
    database_ensure(database_url)
    manage(database_url, "migrate", "--noinput", "-v", "0")
    # gunicorn runs as in production (DEBUG off): static files are served from STATIC_ROOT.
    # With the production settings, so that the hashed names' manifest the pages need exists (issue 17's
    # rush reads the overview page; the API alone never asked for a static file).
    manage(database_url, "collectstatic", "--noinput", "-v", "0", env=production_env(database_url))

    log("100 units")
    manage(database_url, "generate_dataset", "--provinces", "1", "--districts", "7", "--communes", "91",
           "--clear")
    small = measure(database_url, "queries")

    log("national tree")
    generated = time.monotonic()
    manage(database_url, "generate_dataset", "--clear")
    results["generate_seconds"] = round(time.monotonic() - generated, 1)
    settled = time.monotonic()
    database_settle(database_url)
    results["settle_seconds"] = round(time.monotonic() - settled, 1)
    large = measure(database_url, "queries")
    log("national Excel workbook")
    export = measure(database_url, "export", env=production_env(database_url))
    log("raw SQL baselines")
    sql = measure(database_url, "sql")
    setup = measure(database_url, "setup", env={**production_env(database_url),
                                                 "BENCH_RUSH_WRITERS": str(RUSH_WRITERS)})
    results["machine_before_load"] = machine()
    http = http_figures(database_url, setup, sql["lateral"]["sql"])
    rush_kinds = http["rush"]["kinds"]

    errors = sum(http[k]["error_count"] for k in ("trivial", "submit", "submit_first_day", "trivial_no_table",
                                                   "submit_no_table", "trivial_no_fsync", "submit_no_fsync",
                                                   "progress", "progress_uncached"))
    errors += sum(kind["error_count"] for kind in rush_kinds.values())
    progress_median = statistics.median(http["progress"]["latencies"])
    uncached_median = statistics.median(http["progress_uncached"]["latencies"])
    sql_fastest = min(sql["lateral"]["median_seconds"], sql["distinct_on"]["median_seconds"])
    trivial_rps = http["trivial"]["completed"] / http["trivial"]["elapsed"]
    submit_rps = http["submit"]["completed"] / http["submit"]["elapsed"]
    rush_progress = _median(rush_kinds.get("progress", {}).get("latencies", []))
    rush_sql = _median(rush_kinds.get("sql", {}).get("latencies", []))
    rush_submit = sorted(rush_kinds.get("submit", {}).get("latencies", []))
    rush_overview = _median(rush_kinds.get("overview", {}).get("latencies", []))
    fresh = [run["submit_vs_trivial"] for run in http["fresh_runs"]]
    figures = {
        "progress_rush_vs_sql": _ratio(rush_progress, rush_sql),
        "progress_rush_http_median_ms": _ms(rush_progress),
        "sql_rush_lateral_median_ms": _ms(rush_sql),
        "sql_rush_runs": len(rush_kinds.get("sql", {}).get("latencies", [])),
        "overview_rush_ms": _ms(rush_overview),
        "overview_rush_requests": len(rush_kinds.get("overview", {}).get("latencies", [])),
        "progress_rush_requests": len(rush_kinds.get("progress", {}).get("latencies", [])),
        "submit_rush_p99_ms": _ms(rush_submit[max(0, round(0.99 * len(rush_submit)) - 1)] if rush_submit else None),
        "submit_rush_median_ms": _ms(_median(rush_submit)),
        "submit_rush_rps": len(rush_submit) / RUSH_SECONDS,
        "submit_rush_errors": rush_kinds.get("submit", {}).get("error_count", 0) if rush_submit else None,
        "rush_errors": sum(kind["error_count"] for kind in rush_kinds.values()),
        "submit_vs_trivial_fresh_runs": fresh,
        "submit_vs_trivial_fresh_runs_met": sum(ratio >= 0.5 for ratio in fresh),
        "progress_vs_sql": progress_median / sql_fastest,
        "progress_http_median_ms": progress_median * 1000,
        "progress_uncached_vs_sql": uncached_median / sql_fastest,
        "progress_uncached_http_median_ms": uncached_median * 1000,
        "sql_lateral_median_ms": sql["lateral"]["median_seconds"] * 1000,
        "sql_distinct_on_median_ms": sql["distinct_on"]["median_seconds"] * 1000,
        "submit_vs_trivial": submit_rps / trivial_rps,
        "submit_rps": submit_rps,
        "trivial_rps": trivial_rps,
        "submit_first_day_rps": http["submit_first_day"]["completed"] / http["submit_first_day"]["elapsed"],
        "submit_vs_trivial_without_progress_table": (
            (http["submit_no_table"]["completed"] / http["submit_no_table"]["elapsed"])
            / (http["trivial_no_table"]["completed"] / http["trivial_no_table"]["elapsed"])),
        "submit_vs_trivial_without_durable_commit": (
            (http["submit_no_fsync"]["completed"] / http["submit_no_fsync"]["elapsed"])
            / (http["trivial_no_fsync"]["completed"] / http["trivial_no_fsync"]["elapsed"])),
        "http_errors": errors,
        "flag_job_queries_100": small["flag_job"]["queries"],
        "flag_job_queries_11400": large["flag_job"]["queries"],
        "flag_job_seconds_11400": large["flag_job"]["seconds"],
        "flag_job_rerun_seconds_11400": large["flag_job"]["rerun_seconds"],
        "export_seconds": export["seconds"],
        "export_peak_mb": export["peak_rss_mb"],
        "dashboard_queries_100": small["dashboard"]["overview"]["queries"],
        "dashboard_queries_11400": large["dashboard"]["overview"]["queries"],
        "progress_api_queries_100": small["dashboard"]["progress_api"]["queries"],
        "progress_api_queries_11400": large["dashboard"]["progress_api"]["queries"],
    }
    results.update({
        "units_small": small["units"], "units_large": large["units"], "figures": figures,
        "sql": {"lateral": sql["lateral"]["sql"], "distinct_on": sql["distinct_on"]["sql"],
                "lateral_explain": sql["lateral"]["explain"]},
        "details": {"small": small, "large": large, "export": export,
                    "http": {"trivial": http["trivial"], "submit": http["submit"],
                             "submit_first_day": http["submit_first_day"],
                             "trivial_no_table": http["trivial_no_table"], "submit_no_table": http["submit_no_table"],
                             "trivial_no_fsync": http["trivial_no_fsync"], "submit_no_fsync": http["submit_no_fsync"],
                             "fresh_runs": http["fresh_runs"],
                             "progress_latencies_ms": [round(x * 1000, 2) for x in http["progress"]["latencies"]],
                             "progress_uncached_latencies_ms": [round(x * 1000, 2)
                                                                for x in http["progress_uncached"]["latencies"]]}},
        "served": SERVED,
        "rush": {"writers": RUSH_WRITERS, "readers": RUSH_READERS, "seconds": RUSH_SECONDS,
                 "warmup_seconds": RUSH_WARMUP, "loadavg": http["rush"]["loadavg"],
                 "kinds": {name: {"statuses": kind["statuses"], "errors": kind["errors"],
                                  "latencies_ms": [round(x * 1000, 2) for x in kind["latencies"]]}
                           for name, kind in rush_kinds.items()}},
        "fresh_runs": http["fresh_runs"],
        "machine_end": machine(),
        "total_seconds": round(time.monotonic() - started, 1),
    })
    checks = {
        "progress_vs_sql <= 1.0": figures["progress_vs_sql"] <= 1.0,
        "progress_uncached_vs_sql <= 1.0": figures["progress_uncached_vs_sql"] <= 1.0,
        "progress_rush_vs_sql <= 1.0": (figures["progress_rush_vs_sql"] or 99) <= 1.0,
        "submit_rush_errors == 0": figures["submit_rush_errors"] == 0,
        "submit_vs_trivial >= 0.5 in at least 4 of 5 fresh runs": figures["submit_vs_trivial_fresh_runs_met"] >= 4,
        "http errors == 0": errors == 0,
        "flag_job_queries equal": figures["flag_job_queries_100"] == figures["flag_job_queries_11400"],
        "dashboard_queries equal": (figures["dashboard_queries_100"] == figures["dashboard_queries_11400"]
                                    and figures["progress_api_queries_100"] == figures["progress_api_queries_11400"]),
        "export_peak_mb <= 300": figures["export_peak_mb"] <= 300,
    }
    results["targets_met"] = checks
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))

    f = figures
    lines = [
        f"progress_rush_vs_sql     {_f(f['progress_rush_vs_sql'], '.3f')}  (during the rush: GET /api/v1/progress/ "
        f"median {_f(f['progress_rush_http_median_ms'], '.1f')} ms over HTTP of {f['progress_rush_requests']} ÷ the "
        f"LATERAL SQL's median {_f(f['sql_rush_lateral_median_ms'], '.1f')} ms, timed {f['sql_rush_runs']} times in "
        f"the same window)",
        f"overview_rush_ms         {_f(f['overview_rush_ms'], '.0f')}  (the national overview page, median of "
        f"{f['overview_rush_requests']})",
        f"submit_rush_p99_ms       {_f(f['submit_rush_p99_ms'], '.0f')}  (median {_f(f['submit_rush_median_ms'], '.0f')} ms, "
        f"{f['submit_rush_rps']:.0f} saves/s by {RUSH_WRITERS} writers while {RUSH_READERS} readers poll; "
        f"load average {http['rush']['loadavg']})",
        f"submit_rush_errors       {f['submit_rush_errors']}  (all rush errors: {f['rush_errors']})",
        f"progress_uncached_vs_sql {f['progress_uncached_vs_sql']:.3f}  (no writes, answer cache off: "
        f"{f['progress_uncached_http_median_ms']:.1f} ms ÷ {sql_fastest * 1000:.1f} ms)",
        "submit_vs_trivial fresh  " + ", ".join(f"{r['submit_vs_trivial']:.3f} (load {r['loadavg'][0]})"
                                                 for r in http["fresh_runs"])
        + f"  → {f['submit_vs_trivial_fresh_runs_met']} of {len(fresh)} ≥ 0.5",
        f"progress_vs_sql          {f['progress_vs_sql']:.3f}  (GET /api/v1/progress/ median "
        f"{f['progress_http_median_ms']:.1f} ms over HTTP ÷ fastest raw SQL {sql_fastest * 1000:.1f} ms)",
        f"  LATERAL     median {f['sql_lateral_median_ms']:.1f} ms:\n" + indent(sql["lateral"]["sql"]),
        f"  DISTINCT ON median {f['sql_distinct_on_median_ms']:.1f} ms (for reference)",
        f"  answer cache off: {f['progress_uncached_http_median_ms']:.1f} ms → {f['progress_uncached_vs_sql']:.3f}",
        f"submit_vs_trivial        {f['submit_vs_trivial']:.3f}  (PUT {f['submit_rps']:.0f} req/s ÷ "
        f"GET whoami {f['trivial_rps']:.0f} req/s, 16 clients, errors {errors}; "
        f"first-day corrections {f['submit_first_day_rps']:.0f} req/s)",
        f"  without the progress table (no trigger work): {f['submit_vs_trivial_without_progress_table']:.3f}",
        f"  commits not waiting for the disk (informational, never the portal's setting): "
        f"{f['submit_vs_trivial_without_durable_commit']:.3f}",
        f"flag_job_queries         {f['flag_job_queries_100']} at {small['units']} units, "
        f"{f['flag_job_queries_11400']} at {large['units']} units",
        f"flag_job_seconds         {f['flag_job_seconds_11400']:.2f} s at {large['units']} units "
        f"(120 closed days at once; a re-run {f['flag_job_rerun_seconds_11400']:.2f} s)",
        f"export_seconds           {f['export_seconds']:.1f} s (national workbook, {export['bytes']:,} bytes)",
        f"export_peak_mb           {f['export_peak_mb']:.0f} MB peak RSS of the exporting process "
        f"({export['rss_before_mb']:.0f} MB before)",
        f"dashboard_queries        overview {f['dashboard_queries_100']} / {f['dashboard_queries_11400']}, "
        f"/api/v1/progress/ {f['progress_api_queries_100']} / {f['progress_api_queries_11400']} "
        f"(at {small['units']} / {large['units']} units; {large['dashboard']['progress_api_cached']['queries']} "
        f"when answered from the cache)",
        f"served                   gunicorn_conf.py ({SERVED['workers']} processes × {SERVED['threads']} threads), "
        f"{SERVED['proxy'] or 'no proxy (nginx missing)'}, Redis cache {CACHE_URL}",
        f"machine                  {results['machine_end']['cpus']} CPUs, load average "
        f"{results['machine_before_load']['loadavg']} before the HTTP load, {results['machine_end']['loadavg']} "
        f"at the end; total {results['total_seconds']:.0f} s",
    ]
    print("\n".join(lines))
    for name, ok in checks.items():
        print(f"{'OK  ' if ok else 'MISS'} {name}")
    print(f"→ {RESULTS.relative_to(ROOT)}")


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


def _f(value: float | None, spec: str) -> str:
    """A figure for the printout; "n/a" when the run produced none (see the errors in latest.json)."""
    return "n/a" if value is None else format(value, spec)


def indent(text: str) -> str:
    return "\n".join("      " + line for line in text.splitlines())


if __name__ == "__main__":
    main()
