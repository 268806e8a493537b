"""Excuses for missed deadlines (reviewers) and reasons for late reports (units)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from reporting.intake.services import ReportForbidden, ReportRefused, ReportSaved, report_submit
from reporting.models import Channel, DailyReport, MissedDeadline
from reporting.refusals import Forbidden, Refused
from units.access import unit_writable_by
from units.audit import change_recorded
from units.models import Unit, User

REASON_MAX_LENGTH = 2000


class ExcuseRefused(Refused):
    """An excuse was not given or withdrawn (reporting.refusals)."""


class ExcuseForbidden(ExcuseRefused, Forbidden):
    """Only DIC excuses."""

    def __init__(self, message: str):
        Forbidden.__init__(self, message)


def user_can_excuse(user: User) -> bool:
    """docs/design.md, rule 6: reviewers (DIC) write excuses; administrators may do what reviewers do."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_dic


def _reason_errors(reason, *, label: str) -> tuple[str, list[str]]:
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        return text, [_("%(label)s: bắt buộc nhập.") % {"label": label}]
    if "\x00" in text:
        return text, [_("%(label)s: chứa ký tự không hợp lệ.") % {"label": label}]
    if len(text) > REASON_MAX_LENGTH:
        return text, [_("%(label)s: tối đa %(max)d ký tự.") % {"label": label, "max": REASON_MAX_LENGTH}]
    return text, []


@transaction.atomic
def missed_deadline_excuse(
    *, user: User, flag: MissedDeadline, reason: str, now: dt.datetime | None = None,
) -> MissedDeadline:
    """Excuse one flagged day with a reason. The flag stays; compliance counts it as excused.

    An excuse is final: a second one is refused rather than overwriting the
    first reviewer's reason.
    """
    if not user_can_excuse(user):
        raise ExcuseForbidden(_("Chỉ cán bộ Sở Thông tin và Truyền thông mới được miễn trễ hạn."))
    text, errors = _reason_errors(reason, label=_("Lý do miễn"))
    if errors:
        raise ExcuseRefused({"reason": errors})
    locked = MissedDeadline.objects.select_for_update().select_related("unit").get(pk=flag.pk)
    if locked.excused:
        raise ExcuseRefused({"__all__": [_("Ngày %(day)s của %(unit)s đã được miễn trước đó.") % {
            "day": date_format(locked.date, "d/m/Y"), "unit": locked.unit.name}]})
    locked.excused = True
    locked.excuse_reason = text
    locked.excused_by = user
    locked.excused_at = now or timezone.now()
    locked.save(update_fields=["excused", "excuse_reason", "excused_by", "excused_at"])
    change_recorded("excuse given", user=user, unit=locked.unit.code, date=locked.date.isoformat(), reason=text)
    return locked


@transaction.atomic
def missed_deadline_excuse_withdraw(*, user: User, flag: MissedDeadline) -> MissedDeadline:
    """Take back an excuse given by mistake: the flag counts as missing again (or late, if a report came).

    The excuse fields are cleared so that a new excuse can be given; what was
    withdrawn (reason, who excused and when) goes to the audit log.
    """
    if not user_can_excuse(user):
        raise ExcuseForbidden(_("Chỉ cán bộ Sở Thông tin và Truyền thông mới được thu hồi việc miễn."))
    locked = MissedDeadline.objects.select_for_update(of=("self",)).select_related("unit", "excused_by").get(pk=flag.pk)
    if not locked.excused:
        raise ExcuseRefused({"__all__": [_("Ngày %(day)s của %(unit)s chưa được miễn nên không có gì để thu hồi.") % {
            "day": date_format(locked.date, "d/m/Y"), "unit": locked.unit.name}]})
    change_recorded(
        "excuse withdrawn", user=user, unit=locked.unit.code, date=locked.date.isoformat(),
        excused_by=locked.excused_by.get_username() if locked.excused_by else "-",
        excused_at=locked.excused_at.isoformat() if locked.excused_at else "-", reason=locked.excuse_reason,
    )
    locked.excused = False
    locked.excuse_reason = ""
    locked.excused_by = None
    locked.excused_at = None
    locked.save(update_fields=["excused", "excuse_reason", "excused_by", "excused_at"])
    return locked


def report_late_reason_add(
    *, user: User, unit: Unit, day: dt.date, reason: str, channel: str = Channel.WEB,
    ip_address: str | None = None, now: dt.datetime | None = None,
) -> ReportSaved:
    """A unit explains why its existing report for `day` was late.

    Goes through report_submit with the report's own values, so the change is
    a revision like any other (author, time, channel) and nothing else moves.
    """
    if not unit_writable_by(user=user, unit=unit):
        raise ReportForbidden(_("Bạn không có quyền báo cáo cho %(unit)s.") % {"unit": unit.name})
    text, errors = _reason_errors(reason, label=_("Lý do báo cáo trễ"))
    if errors:
        raise ReportRefused({"late_reason": errors})
    report = DailyReport.objects.filter(unit=unit, date=day).select_related("campaign").first()
    if report is None:
        raise ReportRefused({"late_reason": [_("Lý do báo cáo trễ: %(unit)s chưa có báo cáo ngày %(day)s.") % {
            "unit": unit.name, "day": date_format(day, "d/m/Y")}]})
    if report.on_time:
        raise ReportRefused({"late_reason": [_("Lý do báo cáo trễ: báo cáo ngày %(day)s đã nộp đúng hạn.") % {
            "day": date_format(day, "d/m/Y")}]})
    return report_submit(user=user, unit=unit, day=day, values=report.values(), channel=channel,
                         ip_address=ip_address, late_reason=text, now=now, campaign=report.campaign)
