"""Questions about a figure (reads): scoped by units.access like everything else (rule 6)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet

from reporting.models import Question, QuestionMessage
from units.access import units_readable_by
from units.models import Role, Unit, User

Status = Question.Status


def questions_readable(*, user: User) -> QuerySet[Question]:
    """Questions about units the user reads, newest first, with their thread."""
    return (Question.objects.filter(unit__in=units_readable_by(user=user))
            .select_related("unit", "opened_by", "closed_by")
            .prefetch_related(Prefetch("messages", queryset=QuestionMessage.objects.select_related(
                "author", "revision")))
            .order_by("-opened_at", "-pk"))


def question_readable(*, user: User, question_id) -> Question | None:
    """One question, or None when it does not exist or is outside the user's scope (both read as 404)."""
    try:
        pk = int(question_id)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    return questions_readable(user=user).filter(pk=pk).first()


def questions_waiting_for(*, user: User) -> list[Question]:
    """Open questions a reporter has to answer (their units and the units below); nothing for others."""
    if user.role != Role.REPORTER or not user.unit_id:
        return []
    return list(questions_readable(user=user).filter(status=Status.OPEN))


def questions_about(*, unit: Unit, day: dt.date) -> list[Question]:
    """Every question about one unit's report for one day, oldest first (the report's history)."""
    return list(Question.objects.filter(unit=unit, date=day).select_related("opened_by", "closed_by")
                .prefetch_related(Prefetch("messages", queryset=QuestionMessage.objects.select_related(
                    "author", "revision")))
                .order_by("opened_at", "pk"))


def questions_open_by_unit(*, unit_ids, day: dt.date) -> dict[int, int]:
    """unit id → how many questions about its `day` are not closed (for the boards' marks)."""
    counts: dict[int, int] = {}
    for unit_id in Question.objects.filter(unit_id__in=list(unit_ids), date=day).exclude(
            status=Status.CLOSED).values_list("unit_id", flat=True):
        counts[unit_id] = counts.get(unit_id, 0) + 1
    return counts


def questions_not_closed(*, units: QuerySet[Unit] | None = None, day: dt.date | None = None) -> list[Question]:
    """Questions still open or answered but not closed, for the workbook's data-quality sheet."""
    qs = Question.objects.exclude(status=Status.CLOSED).select_related("unit", "opened_by").prefetch_related(
        "messages")
    if units is not None:
        qs = qs.filter(unit__in=units)
    if day is not None:
        qs = qs.filter(date__lte=day)
    return list(qs.order_by("date", "unit__path", "pk"))
