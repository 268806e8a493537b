"""Browser pages for the daily report: the form, the receipt, the history, DIC's official figure.

Thin: access comes from units.access, writes from reporting.intake.services, reads
from reporting.progress.figures*. Nothing here decides a rule.
"""

from __future__ import annotations

import datetime as dt
import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from reporting.campaigns import campaign_current, campaign_default_day, campaign_is_running, campaign_today
from reporting.intake.forms import OfficialFigureForm, ReportForm, blank_kept, initial_values
from reporting.intake.history import (
    children_status,
    official_entries,
    report_form_state,
    report_previous_figures,
    revision_changes,
    revision_readable,
    revisions_readable,
)
from reporting.intake.services import ReportForbidden, ReportRefused, report_submit
from reporting.intake.validation import field_label, fields_for_unit
from reporting.models import Channel
from reporting.progress.figures import province_progress
from reporting.questions.selectors import questions_about, questions_waiting_for
from reporting.record_text import warning_text
from reporting.watch import deadlines
from reporting.watch.compliance import status_labels
from reporting.watch.excuses import user_can_excuse
from units.access import unit_writable_by, units_readable_by, units_writable_by
from units.arrival import request_arrived_at
from units.client import client_ip
from units.models import Campaign, Role, Unit
from units.offline import page_keep_offline
from units.paths import iso_day

HISTORY_PAGE_SIZE = 20


def _open_days(*, campaign: Campaign, today: dt.date) -> list[dt.date]:
    """Campaign days a report may be written for: never a future local date. Newest first."""
    return [day for day in reversed(campaign.days()) if day <= today]


def _parse_day(raw: str | None, *, campaign: Campaign, open_days: list[dt.date]) -> tuple[dt.date, str | None]:
    """The day asked for in the query string, or the default day and why the asked one was not taken."""
    default = campaign_default_day(campaign=campaign)
    if default not in open_days:
        default = open_days[0]
    if not raw:
        return default, None
    day = iso_day(raw)
    if day is None:
        return default, _("Ngày “%(raw)s” không hợp lệ; đang hiển thị ngày %(day)s.") % {
            "raw": raw[:20], "day": default.strftime("%d/%m/%Y")}
    if day not in open_days:
        return default, _("Không thể báo cáo cho ngày %(date)s (chưa đến hoặc ngoài thời gian chiến dịch); "
                          "đang hiển thị ngày %(day)s.") % {
            "date": day.strftime("%d/%m/%Y"), "day": default.strftime("%d/%m/%Y")}
    return day, None


def _chosen_day(
    request: HttpRequest, *, campaign: Campaign, now: dt.datetime, title: str,
) -> HttpResponse | tuple[list[dt.date], dt.date, str | None]:
    """The campaign days open for writing and the one this request asks for (POST date, or ?ngay=)."""
    open_days = _open_days(campaign=campaign, today=campaign_today(campaign=campaign, now=now))
    if not open_days:
        return _no_campaign(request, title=title, message=_("Chiến dịch bắt đầu ngày %(date)s; chưa có ngày nào để báo cáo.")
                            % {"date": campaign.start_date.strftime("%d/%m/%Y")})
    raw = request.POST.get("date") if request.method == "POST" else request.GET.get("ngay")
    day, day_error = _parse_day(raw, campaign=campaign, open_days=open_days)
    return open_days, day, day_error


def deadline_message(*, campaign: Campaign, day: dt.date, now: dt.datetime) -> tuple[str, bool]:
    """Vietnamese time left to `day`'s deadline, and whether a first submission now is late."""
    hhmm = campaign.deadline.strftime("%H:%M")
    left = deadlines.time_left(now=now, day=day, deadline=campaign.deadline, zone=campaign.zone)
    if left <= dt.timedelta(0):
        return _("Đã quá hạn %(deadline)s — báo cáo sẽ được ghi nhận là trễ") % {"deadline": hhmm}, True
    minutes = math.floor(left.total_seconds() / 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        text = _("Còn %(hours)d giờ %(minutes)d phút đến hạn %(deadline)s")
    elif minutes:
        text = _("Còn %(minutes)d phút đến hạn %(deadline)s")
    else:
        text = _("Còn dưới 1 phút đến hạn %(deadline)s")
    return text % {"hours": hours, "minutes": minutes, "deadline": hhmm}, False


def _no_campaign(request: HttpRequest, *, title: str, message: str) -> HttpResponse:
    return render(request, "reporting/no_campaign.html", {"title": title, "message": message})


@login_required
def report_today(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.role == Role.REPORTER and user.unit_id:
        if not unit_writable_by(user=user, unit=user.unit):
            raise PermissionDenied(_("Đơn vị của bạn không còn hoạt động."))
        return _report_page(request, unit=user.unit)
    if user.is_dic:
        # DIC's only report is the province's official figure.
        return redirect("official_figure")
    raise PermissionDenied(_("Tài khoản của bạn chỉ được xem số liệu."))


@login_required
def report_unit(request: HttpRequest, code: str) -> HttpResponse:
    # The province has its own page (official figure); any other unit out of reach is a plain 404.
    unit = units_writable_by(user=request.user).exclude(kind="province").filter(code=code).first()
    if unit is None:
        raise Http404
    return _report_page(request, unit=unit)


def _report_page(request: HttpRequest, *, unit: Unit) -> HttpResponse:
    campaign = campaign_current()
    title = _("Báo cáo hôm nay")
    if campaign is None:
        return _no_campaign(request, title=title, message=_("Chưa có chiến dịch nào."))
    now = request_arrived_at(request)
    chosen = _chosen_day(request, campaign=campaign, now=now, title=title)
    if isinstance(chosen, HttpResponse):
        return chosen
    open_days, day, day_error = chosen
    posted = request.method == "POST"
    state = report_form_state(unit=unit, day=day)
    time_text, past_deadline = deadline_message(campaign=campaign, day=day, now=now)
    # Timeliness is fixed by the first submission; only a report that is (or will be) late gets a reason.
    late = (state.report.on_time is False) if state.report else past_deadline

    if posted:
        # A posted day outside the open days is the service's to refuse (rule 2), by name.
        form = ReportForm(request.POST, unit=unit, late=late, previous=state.previous)
        if form.is_valid():
            try:
                saved = report_submit(
                    user=request.user, unit=unit, day=form.cleaned_data["date"], values=form.values(),
                    channel=Channel.WEB, ip_address=client_ip(request), late_reason=form.late_reason_value(),
                    now=now, submission_key=form.submission_key_value(),
                )
            except ReportForbidden as exc:
                raise Http404 from exc
            except ReportRefused as refused:
                form.add_service_errors(refused.errors)
            else:
                if saved.repeated:
                    # The same typed report, sent again (a phone back online): the first arrival is the one kept.
                    at = timezone.localtime(saved.revision.created_at, campaign.zone)
                    messages.info(request, _("Báo cáo này đã được máy chủ ghi nhận lúc %(at)s; lần gửi lại không "
                                             "ghi thêm gì.") % {"at": at.strftime("%H:%M:%S %d/%m/%Y")})
                else:
                    messages.success(request, _("Đã ghi nhận báo cáo của %(unit)s.") % {"unit": unit.name})
                return redirect("report_receipt", revision_id=saved.revision.pk)
    else:
        form = ReportForm(
            unit=unit, late=late, previous=state.previous,
            initial=initial_values(day=day, source=state.last, note_source=state.report),
        )

    children = children_status(campaign=campaign, unit=unit, day=day, now=now)
    labels = status_labels()
    context = {
        "campaign": campaign,
        "unit": unit,
        "own_unit": unit.pk == request.user.unit_id,
        "parent_link": _parent_link(request, unit=unit, day=day),
        "day": day,
        "day_error": None if posted else day_error,
        "open_days": open_days,
        "campaign_running": campaign_is_running(campaign=campaign, now=now),
        "time_text": time_text,
        "past_deadline": past_deadline,
        "deadline": campaign.deadline.strftime("%H:%M"),
        "state": state,
        "form": form,
        "children": [(row, labels[row.status]) for row in children],
        "residents_label": field_label("residents_installed"),
        "open_questions": questions_waiting_for(user=request.user),
        "deadline_ms": int(deadlines.deadline_at(day=day, deadline=campaign.deadline, zone=campaign.zone)
                           .timestamp() * 1000),
        "posted": posted,
    }
    response = render(request, "reporting/report_today.html", context)
    # The form as drawn for this user, for the phone to show when the signal is lost (never a POST's answer).
    return response if posted else page_keep_offline(response, user=request.user)


def _parent_link(request: HttpRequest, *, unit: Unit, day: dt.date) -> str | None:
    """Where a district user goes back to after opening one of its communes."""
    if unit.pk == request.user.unit_id or unit.parent_id is None:
        return None
    if unit.parent_id == request.user.unit_id:
        base = reverse("report_today")
    else:
        base = reverse("report_unit", args=[unit.parent.code])
    return f"{base}?{urlencode({'ngay': day.isoformat()})}"


@login_required
def report_receipt(request: HttpRequest, revision_id: int) -> HttpResponse:
    revision = revision_readable(user=request.user, revision_id=revision_id)
    if revision is None:
        raise Http404
    report, unit = revision.report, revision.unit
    fields = fields_for_unit(unit)
    # A blank count keeps the previous figure (rule 1): the receipt says which one.
    previous = report_previous_figures(unit=unit, day=revision.date) \
        if any(getattr(revision, name) is None for name in fields) else {}
    values = [(field_label(name), getattr(revision, name), blank_kept(previous.get(name))) for name in fields]
    campaign = report.campaign
    context = {
        "revision": revision,
        "report": report,
        "unit": unit,
        "values": values,
        "warnings": revision.warnings or [],
        "is_latest": revision.number == report.revision_count,
        "zone": campaign.time_zone,
        "can_edit": unit_writable_by(user=request.user, unit=unit) and not unit.is_province,
        "edit_url": _edit_url(request, unit=unit, day=revision.date),
        "can_ask": user_can_excuse(request.user) and not unit.is_province,
        "questions": questions_about(unit=unit, day=revision.date),
    }
    return render(request, "reporting/report_receipt.html", context)


def _edit_url(request: HttpRequest, *, unit: Unit, day: dt.date) -> str:
    if unit.is_province:
        base = reverse("official_figure")
    elif unit.pk == request.user.unit_id:
        base = reverse("report_today")
    else:
        base = reverse("report_unit", args=[unit.code])
    return f"{base}?{urlencode({'ngay': day.isoformat()})}"


@login_required
def report_history(request: HttpRequest) -> HttpResponse:
    readable = units_readable_by(user=request.user)
    unit_code = request.GET.get("don_vi") or None
    filter_unit = readable.filter(code=unit_code).first() if unit_code else None
    day_error = None
    day = None
    if (raw := request.GET.get("ngay")) and (day := iso_day(raw)) is None:
        day_error = _("Ngày “%(raw)s” không hợp lệ; hãy chọn lại.") % {"raw": raw[:20]}
    revisions = revisions_readable(
        user=request.user, unit_code=filter_unit.code if filter_unit else None, day=day,
    )
    page = Paginator(revisions, HISTORY_PAGE_SIZE).get_page(request.GET.get("trang"))
    keep = {k: v for k, v in (("don_vi", filter_unit.code if filter_unit else ""),
                               ("ngay", day.isoformat() if day else "")) if v}
    seen: set = set()
    for revision in page:
        key = (revision.unit_id, revision.date)
        revision.questions = [] if key in seen else questions_about(unit=revision.unit, day=revision.date)
        seen.add(key)
    context = {
        "can_ask": user_can_excuse(request.user),
        "page": page,
        "rows": [(revision, revision_changes(revision)) for revision in page],
        "units": list(readable.filter(active=True).order_by("path").only("code", "name", "path")),
        "filter_unit": filter_unit,
        "unknown_unit": bool(unit_code) and filter_unit is None,
        # The submitter's address is for DIC's audit, not for other unit staff.
        "show_ip": request.user.is_dic,
        "day": day,
        "day_error": day_error,
        "query": urlencode(keep),
    }
    return render(request, "reporting/report_history.html", context)


@login_required
def official_figure(request: HttpRequest) -> HttpResponse:
    campaign = campaign_current()
    title = _("Số liệu chính thức")
    if campaign is None:
        if request.user.reads_everything:
            return _no_campaign(request, title=title, message=_("Chưa có chiến dịch nào."))
        raise PermissionDenied
    root = campaign.root
    # Whoever reads the whole province (the People's Committee too) reads the official figure;
    # only DIC writes it, so the others get the same page without the form.
    can_write = unit_writable_by(user=request.user, unit=root)
    if not can_write and not request.user.reads_everything:
        raise PermissionDenied(_("Chỉ cán bộ Sở Thông tin và Truyền thông nhập số liệu chính thức."))
    now = request_arrived_at(request)
    chosen = _chosen_day(request, campaign=campaign, now=now, title=title)
    if isinstance(chosen, HttpResponse):
        return chosen
    open_days, day, day_error = chosen
    posted = request.method == "POST"
    if posted and not can_write:
        raise PermissionDenied(_("Chỉ cán bộ Sở Thông tin và Truyền thông nhập số liệu chính thức."))
    if posted:
        form = OfficialFigureForm(request.POST)
        if form.is_valid():
            try:
                saved = report_submit(
                    user=request.user, unit=root, day=form.cleaned_data["date"], values=form.values(),
                    channel=Channel.WEB, ip_address=client_ip(request), now=now,
                )
            except ReportForbidden as exc:
                raise PermissionDenied from exc
            except ReportRefused as refused:
                form.add_service_errors(refused.errors)
            else:
                messages.success(request, _("Đã ghi nhận số liệu chính thức ngày %(date)s (lần %(number)d).") % {
                    "date": saved.report.date.strftime("%d/%m/%Y"), "number": saved.revision.number})
                for warning in saved.warnings:
                    messages.warning(request, warning_text(warning))
                return redirect(f"{reverse('official_figure')}?{urlencode({'ngay': saved.report.date.isoformat()})}")
    else:
        state = report_form_state(unit=root, day=day)
        initial = {"date": day.isoformat()}
        if state.report is not None:
            initial.update(residents_installed=str(state.report.residents_installed or ""), note=state.report.note)
        form = OfficialFigureForm(initial=initial)

    progress = province_progress(campaign=campaign, day=day)
    official, reported = progress.official_installed, progress.province.installed
    context = {
        "campaign": campaign,
        "root": root,
        "day": day,
        "day_error": None if posted else day_error,
        "open_days": open_days,
        "form": form,
        "can_write": can_write,
        "progress": progress,
        "official_pct": _pct(progress.official_rate),
        "reported_pct": _pct(progress.province.rate),
        "target_pct": _pct(progress.target_rate),
        "trajectory_pct": _pct(progress.trajectory_rate),
        "difference": official - reported if official is not None else None,
        "official_carried": progress.official_date is not None and progress.official_date != day,
        "entries": official_entries(campaign=campaign),
    }
    return render(request, "reporting/official_figure.html", context)


def _pct(rate: float | None) -> float | None:
    return None if rate is None else rate * 100
