"""Celery tasks: thin wrappers around the deadline-watch services.

The beat schedule (settings.CELERY_BEAT_SCHEDULE) fires `deadline_tick`
every minute; each tick closes every campaign day whose deadline has passed
and sends whatever notice is due and not yet sent. Every step is idempotent,
so a missed tick, a double tick or a restarted scheduler changes nothing but
the moment the work happens.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.db import transaction
from django.utils.dateparse import parse_date, parse_datetime

from reporting.watch.flagging import missed_deadlines_flag
from reporting.watch.heartbeat import heartbeat_record
from reporting.watch.notifications import notifications_send_due

logger = logging.getLogger(__name__)

# A request must answer even when the broker is down: one connection attempt,
# bounded by CELERY_BROKER_CONNECTION_TIMEOUT (2 s), no retries. The tick
# catches up whatever was not enqueued.
PUBLISH_OPTIONS = {"retry": False}


def _when(now: str | None) -> dt.datetime | None:
    return parse_datetime(now) if now else None


@shared_task(name="reporting.tasks.flag_missed_reports")
def flag_missed_reports(date: str | None = None, now: str | None = None) -> dict:
    """Flag closed days (or only `date`, ISO). Arguments are strings: the broker speaks JSON only."""
    run = missed_deadlines_flag(now=_when(now), day=parse_date(date) if date else None)
    return {"created": {d.isoformat(): n for d, n in run.created.items()},
            "escalated": {d.isoformat(): n for d, n in run.escalated.items()}}


@shared_task(name="reporting.tasks.deadline_tick")
def deadline_tick(now: str | None = None) -> dict:
    """Detection first, then notices about what it found, then the heartbeat that says the watch is alive."""
    when = _when(now)
    flags = missed_deadlines_flag(now=when)
    sent = notifications_send_due(now=when)
    result = {"flags_created": flags.total_created, "escalated": flags.total_escalated, "sent": sent.sent}
    heartbeat_record(result=result)
    return result


@shared_task(name="reporting.tasks.question_notify")
def question_notify(question_id: int, kind: str) -> int:
    """E-mail a question to its unit ("question") or an answer to the reviewer who asked ("answer")."""
    from reporting.questions.notices import question_notices_send

    return question_notices_send(question_id=question_id, kind=kind)


def enqueue(task, *args, **kwargs) -> None:
    """Enqueue `task` once the current transaction commits; never raise, never hang.

    Used by anything a web or API request triggers: the row the task needs is
    committed before a worker can look for it, and a dead broker costs at most
    one short connection attempt — logged, then forgotten (the tick catches up).
    """
    transaction.on_commit(lambda: publish(task, *args, **kwargs))


def publish(task, *args, **kwargs) -> bool:
    try:
        task.apply_async(args=args, kwargs=kwargs, **PUBLISH_OPTIONS)
    except Exception:
        logger.warning("broker unavailable: %s not enqueued; the next tick will catch up", task.name, exc_info=True)
        return False
    return True
