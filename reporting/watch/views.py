"""The "Chưa báo cáo" board: who missed the deadline, whom to call, excuses and late reasons.

Thin: figures from reporting.watch.flags / compliance, access from
units.access, writes through reporting.watch.excuses.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reporting.campaigns import campaign_current, campaign_deadline_at, campaign_default_day
from reporting.intake.services import ReportRefused
from reporting.live import live_board, live_clock
from reporting.models import Channel, MissedDeadline
from reporting.refusals import Forbidden
from reporting.watch.compliance import EXCUSED, LATE, MISSING, NOT_YET, ON_TIME, status_labels
from reporting.watch.excuses import (
    ExcuseRefused,
    missed_deadline_excuse,
    missed_deadline_excuse_withdraw,
    report_late_reason_add,
    user_can_excuse,
)
from reporting.watch.flagging import escalation_days
from reporting.watch.flags import flag_rows, flags_board_rows
from units.access import unit_writable_by, units_readable_by
from units.client import client_ip
from units.models import Campaign, Unit
from units.paths import iso_day


def _scope(request: HttpRequest, campaign: Campaign):
    return units_readable_by(user=request.user).filter(path__startswith=campaign.root.path)


def _board_url(day: dt.date) -> str:
    return f"{reverse('flags_board')}?date={day.isoformat()}"


def _render_board(
    request: HttpRequest, *, campaign: Campaign, day: dt.date, date_error: str = "",
    form_key: str = "", form_errors: list[str] | None = None, form_value: str = "", status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    scope = _scope(request, campaign)
    reviewer = user_can_excuse(request.user)
    rows, counts = flags_board_rows(campaign=campaign, day=day, units=scope, now=now,
                                    with_contacts=request.user.reads_everything)
    escalated = [r for r in flag_rows(campaign=campaign, units=scope, day=day, escalated_only=True)
                 if not r.flag.excused]
    own_flags = []
    if request.user.is_reporter:
        # A unit sees its own record over the whole campaign, with the late-reason form.
        own_flags = flag_rows(campaign=campaign, units=scope)
        own_flags.sort(key=lambda r: (r.flag.date, r.unit.path), reverse=True)
    labels = status_labels()
    for row in rows:
        row.form_key = f"excuse-{row.unit.code}"
        row.label = labels[row.status]
    for row in own_flags:
        row.form_key = f"late-{row.unit.code}-{row.flag.date.isoformat()}"
    days = campaign.days()
    index = days.index(day)
    context = {
        "campaign": campaign, "day": day, "days": days,
        "previous_day": days[index - 1] if index > 0 else None,
        "next_day": days[index + 1] if index + 1 < len(days) else None,
        "deadline": timezone.localtime(campaign_deadline_at(campaign=campaign, day=day), campaign.zone),
        "deadline_passed": now >= campaign_deadline_at(campaign=campaign, day=day),
        "rows": rows, "escalated": escalated,
        "stats": [(s, labels[s], counts[s]) for s in (MISSING, LATE, NOT_YET, EXCUSED, ON_TIME)],
        "escalation_days": escalation_days(), "own_flags": own_flags,
        "can_excuse": reviewer, "show_contacts": request.user.reads_everything,
        "clock": live_clock(campaign=campaign, day=day, user=request.user, units=scope, now=now,
                            reads_province=request.user.reads_everything),
        # The one form that was refused, shown open again with its message and text.
        "date_error": date_error, "form_key": form_key, "form_errors": form_errors or [], "form_value": form_value,
    }
    return render(request, "reporting/flags_board.html", context, status=status)


@login_required
@require_GET
@live_board
def flags_board(request: HttpRequest) -> HttpResponse:
    campaign = campaign_current()
    if campaign is None:
        raise Http404(_("Chưa có chiến dịch nào."))
    default = campaign_default_day(campaign=campaign)
    raw = request.GET.get("date")
    if raw is None:
        return _render_board(request, campaign=campaign, day=default)
    day = iso_day(raw)
    if day is None:
        return _render_board(request, campaign=campaign, day=default, status=400,
                             date_error=_("Ngày: “%(raw)s” không hợp lệ (dạng YYYY-MM-DD).") % {"raw": raw[:20]})
    if not campaign.contains(day):
        return _render_board(request, campaign=campaign, day=default, status=400, date_error=_(
            "Ngày: %(day)s nằm ngoài chiến dịch (%(start)s – %(end)s).") % {
            "day": date_format(day, "d/m/Y"), "start": date_format(campaign.start_date, "d/m/Y"),
            "end": date_format(campaign.target_date, "d/m/Y")})
    return _render_board(request, campaign=campaign, day=day)


def _unit_or_404(request: HttpRequest, *, code: str, day: dt.date) -> tuple[Campaign, Unit]:
    campaign = campaign_current()
    if campaign is None or not campaign.contains(day):
        raise Http404
    unit = _scope(request, campaign).filter(code=code).first()
    if unit is None:
        raise Http404
    return campaign, unit


@login_required
@require_POST
def flags_excuse(request: HttpRequest, code: str, day: dt.date) -> HttpResponse:
    return _excuse_change(request, code=code, day=day, withdraw=False)


@login_required
@require_POST
def flags_excuse_withdraw(request: HttpRequest, code: str, day: dt.date) -> HttpResponse:
    return _excuse_change(request, code=code, day=day, withdraw=True)


def _excuse_change(request: HttpRequest, *, code: str, day: dt.date, withdraw: bool) -> HttpResponse:
    """Excuse a missed deadline, or withdraw the excuse: DIC only, back on the board with what happened."""
    campaign, unit = _unit_or_404(request, code=code, day=day)
    if not user_can_excuse(request.user):
        return HttpResponse(_("Chỉ cán bộ Sở Thông tin và Truyền thông mới được thu hồi việc miễn.") if withdraw
                            else _("Chỉ cán bộ Sở Thông tin và Truyền thông mới được miễn trễ hạn."), status=403)
    flag = MissedDeadline.objects.filter(unit=unit, date=day).first()
    if flag is None:
        raise Http404
    reason = "" if withdraw else request.POST.get("reason", "")
    try:
        if withdraw:
            missed_deadline_excuse_withdraw(user=request.user, flag=flag)
        else:
            missed_deadline_excuse(user=request.user, flag=flag, reason=reason)
    except ExcuseRefused as refusal:
        return _render_board(request, campaign=campaign, day=day, status=400, form_key=f"excuse-{unit.code}",
                             form_errors=refusal.messages(), form_value=reason)
    done = _("Đã thu hồi việc miễn ngày %(day)s của %(unit)s.") if withdraw else _("Đã miễn ngày %(day)s cho %(unit)s.")
    messages.success(request, done % {"day": date_format(day, "d/m/Y"), "unit": unit.name})
    return redirect(_board_url(day))


@login_required
@require_POST
def flags_late_reason(request: HttpRequest, code: str, day: dt.date) -> HttpResponse:
    campaign, unit = _unit_or_404(request, code=code, day=day)
    if not unit_writable_by(user=request.user, unit=unit):
        return HttpResponse(_("Bạn không có quyền báo cáo cho %(unit)s.") % {"unit": unit.name}, status=403)
    reason = request.POST.get("late_reason", "")
    try:
        report_late_reason_add(user=request.user, unit=unit, day=day, reason=reason, channel=Channel.WEB,
                               ip_address=client_ip(request))
    except ReportRefused as refusal:
        if isinstance(refusal, Forbidden):
            return HttpResponse(refusal.message, status=403)
        return _render_board(request, campaign=campaign, day=day, status=400,
                             form_key=f"late-{unit.code}-{day.isoformat()}", form_errors=refusal.messages(),
                             form_value=reason)
    messages.success(request, _("Đã ghi lý do báo cáo trễ ngày %(day)s của %(unit)s.") % {
        "day": date_format(day, "d/m/Y"), "unit": unit.name})
    return redirect(_board_url(day))
