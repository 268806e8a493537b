"""/healthz: each part of the portal, answered within about a second whatever is down.

The database is the only part the portal cannot work without (503 without
it). Redis (broker and cache, each probed with PROBE_SECONDS timeouts) and the
deadline watch are reported, not required: saves and pages go on without
them (units.cache_fallback), and a
silent watch is also shown on the reviewers' pages.
"""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from kombu import Connection

from reporting.watch.heartbeat import watch_state

# Each probe of a network service gives up after this long, so that the whole answer stays near one second.
PROBE_SECONDS = 0.3


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _redis_ok(url: str) -> bool:
    client = redis.Redis.from_url(url, socket_connect_timeout=PROBE_SECONDS, socket_timeout=PROBE_SECONDS)
    try:
        return bool(client.ping())
    except Exception:
        return False
    finally:
        client.close()


def _cache_state() -> str:
    """'ok' or 'down' for a Redis cache (probed here, briefly); 'local' for this process's memory."""
    config = settings.CACHES["default"]
    if not config["BACKEND"].endswith("RedisCache"):
        return "local"
    location = config["LOCATION"]
    url = location[0] if isinstance(location, list | tuple) else str(location).split(",")[0]
    return "ok" if _redis_ok(url) else "down"


def _broker_ok() -> bool:
    url = settings.CELERY_BROKER_URL
    try:
        if url.startswith(("redis://", "rediss://")):
            return _redis_ok(url)
        with Connection(url, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
                        connect_timeout=PROBE_SECONDS) as conn:
            conn.ensure_connection(max_retries=1, timeout=PROBE_SECONDS)
        return True
    except Exception:
        return False


def _watch():
    try:
        return watch_state()
    except Exception:  # the database went away between the two probes
        return None


@never_cache
def healthz(request):
    database = _database_ok()
    broker = _broker_ok()
    watch = _watch()
    body = {
        "status": "ok" if database and broker and watch is not None and not watch.silent
        else ("degraded" if database else "down"),
        "database": "ok" if database else "down",
        "broker": "ok" if broker else "down",
        "cache": _cache_state(),
        "watch": watch.label if watch else "unknown",
        "watch_last_tick": watch.last_tick_at.isoformat() if watch and watch.last_tick_at else None,
    }
    return JsonResponse(body, status=200 if database else 503)
