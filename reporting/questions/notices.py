"""E-mails about questions: the unit's reporters hear of a question, the asking reviewer of its answer.

Same conventions as reporting.watch.notifications (one Notification row claimed,
then sent, in Vietnamese); sent by the worker (reporting.tasks.question_notify),
never inside the request.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from reporting.models import Notification, Question
from reporting.record_text import warning_text
from reporting.watch.notifications import _deliver, _in_vietnamese, _recipients
from units.models import Role, Unit, User

Kind = Notification.Kind


@_in_vietnamese
def question_notices_send(*, question_id: int, kind: str) -> int:
    question = Question.objects.select_related("unit", "opened_by").filter(pk=question_id).first()
    if question is None:
        return 0
    now = timezone.now()
    context = {"question": question, "unit": question.unit, "day": question.date,
               "messages": list(question.messages.select_related("author")),
               "warning": warning_text(question.warning) if question.warning else ""}
    if kind == "question":
        # The unit's own reporters, and those of the unit above it who may answer for it.
        units = [question.unit.pk] + ([question.unit.parent_id] if question.unit.parent_id else [])
        recipients = _recipients(User.objects.filter(role=Role.REPORTER, unit_id__in=units))
        subject = _("[Bluezone] Sở TT&TT hỏi về số liệu ngày %(day)s của %(unit)s") % {
            "day": date_format(question.date, "d/m/Y"), "unit": question.unit.name}
        note_kind, template = Kind.QUESTION, "question"
    else:
        recipients = _recipients(User.objects.filter(pk=question.opened_by_id))
        subject = _("[Bluezone] %(unit)s đã trả lời câu hỏi về số liệu ngày %(day)s") % {
            "day": date_format(question.date, "d/m/Y"), "unit": question.unit.name}
        note_kind, template = Kind.ANSWER, "question_answer"
    unit: Unit = question.unit
    return sum(_deliver(kind=note_kind, day=question.date, unit=unit, recipient=user, subject=subject,
                        template=template, context=context | {"recipient": user}, now=now)
               for user in recipients)
