"""What every page of DIC's staff shows: whether the deadline watch is alive (reporting.watch.heartbeat)."""

from __future__ import annotations

from django.utils import timezone

from reporting.watch.heartbeat import watch_state
from units.models import Role

WATCHERS = (Role.REVIEWER, Role.VIEWER, Role.ADMIN)


def deadline_watch(request):
    """For reviewers, viewers and administrators only: one query, on their pages."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not (user.role in WATCHERS or user.is_superuser):
        return {}
    state = watch_state()
    if not state.silent:
        return {}
    last = timezone.localtime(state.last_tick_at) if state.last_tick_at else None
    return {"watch_silent": True, "watch_last_tick": last}
