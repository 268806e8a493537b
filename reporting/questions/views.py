"""Questions about a figure, in the browser: list, ask (one click from a warning), answer, close.

Thin: reads from reporting.questions.selectors, writes through
reporting.questions.services, access from units.access (a question outside the
reader's scope is 404).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reporting.campaigns import campaign_current
from reporting.intake.validation import field_label, fields_for_unit
from reporting.models import COUNT_FIELDS, Channel, DailyReport, Question
from reporting.questions.selectors import question_readable, questions_readable
from reporting.questions.services import QuestionRefused, question_answer, question_close, question_open
from reporting.record_text import warning_text
from reporting.refusals import http_status
from reporting.watch.excuses import user_can_excuse
from units.access import unit_writable_by, units_readable_by
from units.client import client_ip
from units.models import Unit
from units.paths import iso_day, unit_code_possible


def _forbidden(refusal: QuestionRefused) -> HttpResponse:
    """Not yours to do: the reason only, never the question's thread."""
    if http_status(refusal) == 404:
        raise Http404
    return HttpResponse(refusal.message, status=403)


def _question_or_404(request: HttpRequest, pk: int) -> Question:
    question = question_readable(user=request.user, question_id=pk)
    if question is None:
        raise Http404
    return question


def question_url(question: Question) -> str:
    return reverse("question_detail", args=[question.pk])


@login_required
@require_GET
def question_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("trang_thai") or ""
    questions = questions_readable(user=request.user)
    if status in Question.Status.values:
        questions = questions.filter(status=status)
    rows = list(questions[:300])
    for question in rows:
        question.warning_text = warning_text(question.warning) if question.warning else ""
    context = {"questions": rows, "status": status, "statuses": Question.Status.choices,
               "can_ask": user_can_excuse(request.user)}
    return render(request, "reporting/question_list.html", context)


def _ask_target(request: HttpRequest, data) -> tuple[Unit | None, dt.date | None]:
    code = data.get("unit") or ""
    unit = units_readable_by(user=request.user).filter(code=code).first() if unit_code_possible(code) else None
    return unit, iso_day(data.get("date"))


@login_required
def question_ask(request: HttpRequest) -> HttpResponse:
    """GET: the form, filled from ?unit=&date=&warning=; POST: open the question (one click from a warning)."""
    data = request.POST if request.method == "POST" else request.GET
    unit, day = _ask_target(request, data)
    campaign = campaign_current()
    if unit is None or day is None or campaign is None:
        raise Http404
    if not user_can_excuse(request.user):
        return HttpResponse(_("Chỉ cán bộ Sở Thông tin và Truyền thông mới được đặt câu hỏi."), status=403)
    warning = (data.get("warning") or "")[:80]
    text = data.get("text") or ""
    errors: list[str] = []
    if request.method == "POST":
        try:
            question = question_open(user=request.user, campaign=campaign, unit=unit, day=day, text=text,
                                     warning=warning or None)
        except QuestionRefused as refusal:
            if http_status(refusal) == 404:
                raise Http404 from None
            errors = refusal.messages()
        else:
            messages.success(request, _("Đã gửi câu hỏi tới %(unit)s.") % {"unit": unit.name})
            return redirect(question_url(question))
    report = DailyReport.objects.filter(unit=unit, date=day).first()
    context = {"unit": unit, "day": day, "report": report, "warning": warning, "text": text, "errors": errors,
               "warnings": report.warnings if report else []}
    return render(request, "reporting/question_ask.html", context, status=400 if errors else 200)


def _detail(request: HttpRequest, question: Question, *, errors: list[str] | None = None, form: str = "",
            posted=None, status: int = 200) -> HttpResponse:
    unit = question.unit
    report = DailyReport.objects.filter(unit=unit, date=question.date).first()
    can_answer = question.status != Question.Status.CLOSED and unit_writable_by(user=request.user, unit=unit)
    fields = [(name, field_label(name), getattr(report, name) if report else None,
               (posted or {}).get(name, "")) for name in fields_for_unit(unit)] if can_answer else []
    context = {
        "question": question, "unit": unit, "report": report,
        "warning": warning_text(question.warning) if question.warning else "",
        "can_answer": can_answer, "fields": fields,
        "can_close": question.status != Question.Status.CLOSED and user_can_excuse(request.user),
        "errors": errors or [], "form": form, "posted_text": (posted or {}).get("text", ""),
        "history_url": f"{reverse('report_history')}?{urlencode({'don_vi': unit.code, 'ngay': question.date})}",
    }
    return render(request, "reporting/question_detail.html", context, status=status)


@login_required
@require_GET
def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question_or_404(request, pk)
    return _detail(request, question)


@login_required
@require_POST
def question_answer_post(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question_or_404(request, pk)
    posted = {"text": request.POST.get("text", "")}
    # Figures as typed ("1.450"): the report service reads them as any web save, and names a refused field.
    values = {}
    for name in COUNT_FIELDS:
        posted[name] = request.POST.get(name, "")
        if posted[name].strip():
            values[name] = posted[name]
    try:
        question_answer(user=request.user, question=question, text=posted["text"], values=values,
                        channel=Channel.WEB, ip_address=client_ip(request))
    except QuestionRefused as refusal:
        if http_status(refusal) in (403, 404):
            return _forbidden(refusal)
        return _detail(request, question, errors=refusal.messages(), form="answer", posted=posted,
                       status=http_status(refusal))
    messages.success(request, _("Đã gửi câu trả lời cho Sở Thông tin và Truyền thông."))
    return redirect(question_url(question))


@login_required
@require_POST
def question_close_post(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question_or_404(request, pk)
    try:
        question_close(user=request.user, question=question, text=request.POST.get("text", ""))
    except QuestionRefused as refusal:
        if http_status(refusal) in (403, 404):
            return _forbidden(refusal)
        return _detail(request, question, errors=refusal.messages(), form="close", status=http_status(refusal))
    messages.success(request, _("Đã đóng câu hỏi về số liệu ngày %(day)s của %(unit)s.") % {
        "day": date_format(question.date, "d/m/Y"), "unit": question.unit.name})
    return redirect(question_url(question))
