"""The shared cache (Redis in production), with an in-process cache to fall back on when it fails.

Nothing the portal answers depends on Redis being up: a figure that is not
in the cache is computed, and a login counted in this process only is still
counted. The connection and read timeouts of settings.REDIS_* bound what a
dead or hung Redis costs one call; after a failure the shared cache is left
alone for FAILURE_PAUSE seconds so that a hung Redis costs each process one
timeout, not one per request.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache import cache as shared_cache
from django.core.cache.backends.locmem import LocMemCache

logger = logging.getLogger(__name__)

FAILURE_PAUSE = 10.0


class FallbackCache:
    """get/set of Django's cache API: the shared cache, or this process's own while the shared one fails."""

    def __init__(self, name: str):
        self.local = LocMemCache(f"bluezone-fallback-{name}", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
        self._failed_at: float | None = None
        self._lock = threading.Lock()

    def _shared_usable(self) -> bool:
        failed = self._failed_at
        return failed is None or time.monotonic() - failed > FAILURE_PAUSE

    def _failed(self, operation: str, exc: Exception) -> None:
        with self._lock:
            first = self._shared_usable()
            self._failed_at = time.monotonic()
        if first:
            logger.warning("shared cache unavailable (%s: %s); using this process's own for %.0f s",
                           operation, type(exc).__name__, FAILURE_PAUSE)

    def get(self, key: str, default=None):
        if self._shared_usable():
            try:
                return shared_cache.get(key, default)
            except Exception as exc:
                self._failed("get", exc)
        return self.local.get(key, default)

    def set(self, key: str, value, timeout=None) -> None:
        if self._shared_usable():
            try:
                shared_cache.set(key, value, timeout)
                return
            except Exception as exc:
                self._failed("set", exc)
        self.local.set(key, value, timeout)


cache = FallbackCache("default")
