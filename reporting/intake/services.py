"""Writes. One service saves a report, whichever channel it comes from."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping

from django.utils import timezone
from django.utils.translation import gettext as _

from reporting.campaigns import campaign_current
from reporting.intake.bounds import Bound
from reporting.intake.context import SubmitContext, submit_context
from reporting.intake.store import ReportSaved, report_write
from reporting.intake.validation import date_errors, field_label, report_clean, text_clean
from reporting.models import VALUE_FIELDS, Channel, DailyReport
from reporting.refusals import Forbidden, Refused
from reporting.watch import deadlines
from units.access import unit_writable_by
from units.models import Campaign, Unit, User


class ReportRefused(Refused):
    """A report was not saved (reporting.refusals)."""


class ReportForbidden(ReportRefused, Forbidden):
    """The user may not report for this unit."""

    def __init__(self, message: str):
        Forbidden.__init__(self, message)


def report_validate(
    *, user: User, unit: Unit, day: dt.date, values: Mapping, previous: DailyReport | None,
    now: dt.datetime | None = None, campaign: Campaign | None = None, late_reason: str | None = None,
    channel: str = Channel.WEB, bounds: Mapping[str, Bound] | None = None,
) -> tuple[dict, list[dict]]:
    """Check everything a save would check, without saving (used by the import).

    `previous`: the unit's latest report before `day`. Only the warnings
    depend on it, never whether the values are refused. Text counts are read
    the Vietnamese way ("1.450") from people (form, import); the API keeps
    strict JSON numbers. `bounds`: reporting.intake.bounds for `unit`, when the
    caller has read them already.
    """
    now = now or timezone.now()
    campaign = campaign or campaign_current()
    if campaign is None:
        raise ReportRefused({"__all__": [_("Chưa có chiến dịch nào.")]})
    if not unit_writable_by(user=user, unit=unit):
        raise ReportForbidden(_("Bạn không có quyền báo cáo cho %(unit)s.") % {"unit": unit.name})
    errors: dict[str, list[str]] = {}
    today = deadlines.local_date(at=now, zone=campaign.zone)
    if msgs := date_errors(campaign=campaign, day=day, today=today):
        errors["date"] = msgs
    cleaned, field_errors, warnings = report_clean(
        unit=unit, values=values, previous=previous, bounds=bounds, text_numbers=channel != Channel.API,
        jump_threshold=campaign.jump_threshold,
    )
    errors.update(field_errors)
    cleaned["late_reason"], reason_errors = text_clean(raw=late_reason, label=field_label("late_reason"))
    if reason_errors:
        errors["late_reason"] = reason_errors
    if errors:
        raise ReportRefused(errors)
    return cleaned, warnings


def report_submit(
    *,
    user: User,
    unit: Unit,
    day: dt.date,
    values: Mapping,
    channel: str = Channel.WEB,
    ip_address: str | None = None,
    late_reason: str | None = None,
    now: dt.datetime | None = None,
    campaign: Campaign | None = None,
    context: SubmitContext | None = None,
    bounds: Mapping[str, Bound] | None = None,
    submission_key: uuid.UUID | None = None,
) -> ReportSaved:
    """Create or replace `unit`'s report for `day` and record the revision; nothing is saved on a refusal.

    `context` is what intake.context read for this unit and day, when the
    caller already has it; otherwise it is read here (one query).
    `submission_key` names one typed report of `user`'s (the phone form
    sends one): sent again, it is received once — the answer is the first
    save, `repeated`, and nothing is written; sent with another unit, day or
    figures, it is refused. Another user's key is theirs alone.
    """
    now = now or timezone.now()
    if context is None:
        context = submit_context(unit=unit, day=day)
    campaign = campaign or context.campaign
    cleaned, warnings = report_validate(
        user=user, unit=unit, day=day, values=values, now=now, campaign=campaign, late_reason=late_reason,
        previous=context.previous, channel=channel, bounds=bounds,
    )
    saved = report_write(
        campaign=campaign, unit=unit, day=day, user=user, cleaned=cleaned, warnings=warnings, channel=channel,
        ip_address=ip_address, keep_late_reason=late_reason is None, now=now, submission_key=submission_key,
    )
    if saved.repeated and not _same_report(saved, unit=unit, day=day, cleaned=cleaned):
        # Answering with the first save would tell the sender that these figures were received.
        raise ReportRefused({"__all__": [_("Lần gửi này trùng mã với một báo cáo khác đã được ghi nhận, nên không "
                                           "được lưu. Hãy tải lại biểu mẫu rồi gửi lại.")]})
    return saved


def _same_report(saved: ReportSaved, *, unit: Unit, day: dt.date, cleaned: Mapping) -> bool:
    revision = saved.revision
    return (revision.unit_id == unit.pk and revision.date == day
            and all(getattr(revision, name) == cleaned.get(name) for name in VALUE_FIELDS))
