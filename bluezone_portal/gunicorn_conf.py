"""Gunicorn as shipped (Dockerfile, docker-compose.yml): `gunicorn -c python:bluezone_portal.gunicorn_conf ...`.

Threads, so that a burst at 14:59 is taken up at once instead of waiting in
the listen queue behind a slow import or export: a request mostly waits on
PostgreSQL, and a thread waiting on the database costs no CPU. Processes
are one per core plus one, so a CPU-bound request (a workbook) never holds
up the rest. A report is timed by the proxy's arrival stamp anyway
(units.arrival); this keeps the wait short too. WEB_CONCURRENCY and
GUNICORN_THREADS override the counts; the database must allow
workers × threads connections per container.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 8))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 10
keepalive = 5
backlog = 2048
accesslog = "-"
