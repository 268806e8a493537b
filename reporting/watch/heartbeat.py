"""The deadline watch watches itself: each tick leaves a heartbeat; silence is shown to DIC and on /healthz.

A tick that ran records when it finished (the real clock, whatever day the
tick was told to judge). The watch is *silent* when no tick finished for
more than SILENT_TICKS tick intervals (settings.BLUEZONE_TICK_SECONDS):
beat died, the worker is down, or the broker lost the ticks. Nothing else
checks that flags are still being raised, so the reviewers' pages say so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from reporting.models import WatchHeartbeat

DEADLINE_WATCH = "deadline-watch"
SILENT_TICKS = 3


@dataclass(frozen=True)
class WatchState:
    last_tick_at: dt.datetime | None
    silent: bool

    @property
    def label(self) -> str:
        if self.last_tick_at is None:
            return "never"
        return "silent" if self.silent else "ok"


def heartbeat_record(*, result: dict, now: dt.datetime | None = None) -> None:
    WatchHeartbeat.objects.update_or_create(
        name=DEADLINE_WATCH, defaults={"last_tick_at": now or timezone.now(), "last_result": result},
    )


def silent_after() -> dt.timedelta:
    return dt.timedelta(seconds=SILENT_TICKS * settings.BLUEZONE_TICK_SECONDS)


def watch_state(*, now: dt.datetime | None = None) -> WatchState:
    """One query."""
    now = now or timezone.now()
    last = WatchHeartbeat.objects.filter(name=DEADLINE_WATCH).values_list("last_tick_at", flat=True).first()
    return WatchState(last_tick_at=last, silent=last is None or now - last > silent_after())
