"""/healthz: each part of the portal, answered within about a second whatever is down.

The database is the only part the portal cannot work without (503 without
it). Redis (broker and cache) and the deadline watch are reported, not
required: saves and pages go on without them (units.cache_fallback), and a
silent watch is also shown on the reviewers' pages.
"""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from kombu import Connection

from units.cache_fallback import cache

from .watch_heartbeat import watch_state

# Each probe of a network service gives up after this long, so that the whole answer stays near one second.
PROBE_SECONDS = 0.3


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _broker_ok() -> bool:
    url = settings.CELERY_BROKER_URL
    try:
        if url.startswith(("redis://", "rediss://")):
            client = redis.Redis.from_url(url, socket_connect_timeout=PROBE_SECONDS, socket_timeout=PROBE_SECONDS)
            try:
                return bool(client.ping())
            finally:
                client.close()
        with Connection(url, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
                        connect_timeout=PROBE_SECONDS) as conn:
            conn.ensure_connection(max_retries=1, timeout=PROBE_SECONDS)
        return True
    except Exception:
        return False


@never_cache
def healthz(request):
    database = _database_ok()
    broker = _broker_ok()
    watch = watch_state() if database else None
    body = {
        "status": "ok" if database and broker and watch is not None and not watch.silent
        else ("degraded" if database else "down"),
        "database": "ok" if database else "down",
        "broker": "ok" if broker else "down",
        "cache": cache.shared_state(),
        "watch": watch.label if watch else "unknown",
        "watch_last_tick": watch.last_tick_at.isoformat() if watch and watch.last_tick_at else None,
    }
    return JsonResponse(body, status=200 if database else 503)
