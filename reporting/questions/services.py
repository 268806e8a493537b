"""Questions about a figure: a reviewer asks, the unit corrects or confirms, the reviewer closes (writes).

Access comes from units.access (rule 6): a reviewer may ask about any unit
they read; the unit's reporters (and those of units above it) answer; the
answer that corrects goes through report_submit like any other save, in the
same transaction, so the figure and the answer are kept together or not at
all. E-mails leave after the commit (reporting.tasks.enqueue): a request
never waits on the broker.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from reporting.campaigns import campaign_today
from reporting.intake.services import ReportRefused, report_submit
from reporting.models import COUNT_FIELDS, Channel, DailyReport, Question, QuestionMessage
from reporting.record_text import DECREASED, JUMP
from reporting.refusals import Forbidden, NotFound, Refused
from reporting.watch.excuses import user_can_excuse
from units.access import unit_readable_by, unit_writable_by
from units.audit import change_recorded
from units.models import Campaign, Unit, User

TEXT_MAX_LENGTH = 2000
Status = Question.Status
Kind = QuestionMessage.Kind


class QuestionRefused(Refused):
    """A question was not opened, answered or closed (reporting.refusals)."""


class QuestionForbidden(QuestionRefused, Forbidden):
    def __init__(self, message: str):
        Forbidden.__init__(self, message)


class QuestionNotFound(QuestionRefused, NotFound):
    def __init__(self, message: str):
        NotFound.__init__(self, message)


def _text(value, *, field: str, label: str, required: bool) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise QuestionRefused({field: [_("%(label)s: phải là văn bản.") % {"label": label}]})
    text = value.strip()
    if "\x00" in text:
        raise QuestionRefused({field: [_("%(label)s: chứa ký tự không hợp lệ.") % {"label": label}]})
    if len(text) > TEXT_MAX_LENGTH:
        raise QuestionRefused({field: [_("%(label)s: tối đa %(max)d ký tự.") % {"label": label,
                                                                               "max": TEXT_MAX_LENGTH}]})
    if required and not text:
        raise QuestionRefused({field: [_("%(label)s: bắt buộc nhập.") % {"label": label}]})
    return text


def _warning(*, unit: Unit, day: dt.date, code: str | None) -> dict | None:
    """The stored warning of that day's report the question is about (its code and values), if named.

    Named as "jump" or "jump:residents_installed" (code, or code and field).
    """
    if not code:
        return None
    if not isinstance(code, str) or code.partition(":")[0] not in (DECREASED, JUMP):
        raise QuestionRefused({"warning": [_("Cảnh báo: không có loại cảnh báo “%(code)s”.") % {
            "code": str(code)[:40].replace("\x00", "")}]})
    kind, _sep, field = code.partition(":")
    report = DailyReport.objects.filter(unit=unit, date=day).first()
    found = next((w for w in (report.warnings if report else [])
                  if w.get("code") == kind and (not field or w.get("field") == field)), None)
    if found is None:
        raise QuestionRefused({"warning": [_("Cảnh báo: báo cáo ngày này không có cảnh báo đó.")]})
    return found


@transaction.atomic
def question_open(
    *, user: User, campaign: Campaign, unit: Unit, day: dt.date, text: str = "", warning: str | None = None,
    now: dt.datetime | None = None,
) -> Question:
    """A reviewer asks the unit about its figures for `day` (a text, or a stored warning, or both)."""
    now = now or timezone.now()
    if not unit_readable_by(user=user, unit=unit):
        raise QuestionNotFound(_("Không tìm thấy đơn vị này."))
    if not user_can_excuse(user):
        raise QuestionForbidden(_("Chỉ cán bộ Sở Thông tin và Truyền thông mới được đặt câu hỏi."))
    if not campaign.contains(day) or day > campaign_today(campaign=campaign, now=now):
        raise QuestionRefused({"date": [_("Ngày: %(day)s không phải một ngày đã qua của chiến dịch.") % {
            "day": date_format(day, "d/m/Y")}]})
    stored = _warning(unit=unit, day=day, code=warning)
    body = _text(text, field="text", label=_("Câu hỏi"), required=stored is None)
    question = Question.objects.create(campaign=campaign, unit=unit, date=day, warning=stored, opened_by=user,
                                       opened_at=now)
    QuestionMessage.objects.create(question=question, kind=Kind.QUESTION, author=user, created_at=now, text=body)
    change_recorded("question_opened", user=user, unit=unit.code, date=day.isoformat(), question=question.pk)
    _notify(question_id=question.pk, kind="question")
    return question


@transaction.atomic
def question_answer(
    *, user: User, question: Question, text: str = "", values: Mapping | None = None,
    channel: str = Channel.WEB, ip_address: str | None = None, now: dt.datetime | None = None,
) -> QuestionMessage:
    """The unit answers: by correcting the figure (`values`, saved as a report revision) or confirming it with a reason."""
    now = now or timezone.now()
    question = Question.objects.select_for_update().select_related("unit", "campaign").get(pk=question.pk)
    if not unit_readable_by(user=user, unit=question.unit):
        raise QuestionNotFound(_("Không tìm thấy câu hỏi này."))
    if not unit_writable_by(user=user, unit=question.unit):
        raise QuestionForbidden(_("Chỉ cán bộ của đơn vị mới trả lời được câu hỏi này."))
    if question.status == Status.CLOSED:
        raise QuestionRefused({"__all__": [_("Câu hỏi đã đóng.")]})
    values = {k: v for k, v in (values or {}).items() if v is not None and v != ""}
    unknown = sorted(set(values) - set(COUNT_FIELDS))
    if unknown:
        raise QuestionRefused({"values": [_("Số liệu: không có trường “%(field)s”.") % {"field": unknown[0][:40]}]})
    body = _text(text, field="text", label=_("Trả lời"), required=not values)
    revision = None
    if values:
        try:
            saved = report_submit(user=user, unit=question.unit, day=question.date, values=values, channel=channel,
                                  ip_address=ip_address, now=now, campaign=question.campaign)
        except ReportRefused as refusal:
            if isinstance(refusal, Forbidden):
                raise QuestionForbidden(refusal.message) from None
            raise QuestionRefused(refusal.errors) from None
        revision = saved.report.revisions.order_by("-number").first()
    message = QuestionMessage.objects.create(question=question, kind=Kind.CORRECTED if values else Kind.CONFIRMED,
                                             author=user, created_at=now, text=body, revision=revision)
    question.status, question.answered_at = Status.ANSWERED, now
    question.save(update_fields=["status", "answered_at"])
    _notify(question_id=question.pk, kind="answer")
    return message


@transaction.atomic
def question_close(*, user: User, question: Question, text: str = "", now: dt.datetime | None = None) -> Question:
    """The reviewer closes the question (answered or not), optionally with a last word."""
    now = now or timezone.now()
    question = Question.objects.select_for_update().select_related("unit").get(pk=question.pk)
    if not unit_readable_by(user=user, unit=question.unit):
        raise QuestionNotFound(_("Không tìm thấy câu hỏi này."))
    if not user_can_excuse(user):
        raise QuestionForbidden(_("Chỉ cán bộ Sở Thông tin và Truyền thông mới được đóng câu hỏi."))
    if question.status == Status.CLOSED:
        raise QuestionRefused({"__all__": [_("Câu hỏi đã đóng.")]})
    body = _text(text, field="text", label=_("Ghi chú khi đóng"), required=False)
    QuestionMessage.objects.create(question=question, kind=Kind.CLOSED, author=user, created_at=now, text=body)
    question.status, question.closed_by, question.closed_at = Status.CLOSED, user, now
    question.save(update_fields=["status", "closed_by", "closed_at"])
    change_recorded("question_closed", user=user, unit=question.unit.code, question=question.pk)
    return question


def _notify(*, question_id: int, kind: str) -> None:
    from reporting.tasks import enqueue, question_notify  # tasks imports the services: import here, not at the top

    enqueue(question_notify, question_id, kind)
