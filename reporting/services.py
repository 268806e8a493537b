"""Writes. One service saves a report, whichever channel it comes from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from units.access import unit_writable_by
from units.models import Campaign, Unit, User

from . import deadlines
from .campaigns import campaign_current
from .models import VALUE_FIELDS, Channel, DailyReport, ReportRevision
from .progress_table import progress_lock_unit
from .validation import date_errors, field_label, report_clean, text_clean


class ReportRefused(Exception):
    """Nothing was saved; `errors` maps a field (or '__all__') to messages."""

    def __init__(self, errors: dict[str, list[str]], *, status: int = 400):
        super().__init__(errors)
        self.errors = errors
        self.status = status


class ReportForbidden(ReportRefused):
    def __init__(self, message: str):
        super().__init__({"__all__": [message]}, status=403)


@dataclass
class ReportSaved:
    report: DailyReport
    revision: ReportRevision
    created: bool
    warnings: list[dict] = field(default_factory=list)


def _previous_report(*, unit: Unit, day: dt.date) -> DailyReport | None:
    return DailyReport.objects.filter(unit=unit, date__lt=day).order_by("-date").first()


def report_validate(
    *, user: User, unit: Unit, day: dt.date, values: Mapping, now: dt.datetime | None = None,
    campaign: Campaign | None = None, late_reason: str | None = None,
) -> tuple[dict, list[dict]]:
    """Check everything a save would check, without saving (used by the import)."""
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
        unit=unit, values=values, previous=_previous_report(unit=unit, day=day)
    )
    errors.update(field_errors)
    cleaned["late_reason"], reason_errors = text_clean(raw=late_reason, label=field_label("late_reason"))
    if reason_errors:
        errors["late_reason"] = reason_errors
    if errors:
        raise ReportRefused(errors)
    return cleaned, warnings


@transaction.atomic
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
) -> ReportSaved:
    """Create or replace `unit`'s report for `day` and record the revision.

    The report row is locked for the rest of the transaction, so concurrent
    submissions for one unit and day are serialised and every one of them
    leaves its own revision.
    """
    now = now or timezone.now()
    campaign = campaign or campaign_current()
    cleaned, warnings = report_validate(
        user=user, unit=unit, day=day, values=values, now=now, campaign=campaign, late_reason=late_reason,
    )

    progress_lock_unit(unit_id=unit.pk)  # before the row lock: see reporting.progress_table
    report = _lock_report(unit=unit, day=day)
    created = report is None
    if created:
        report = _create_report(campaign=campaign, unit=unit, day=day, user=user, channel=channel, now=now)
        created = report.revision_count == 0
    report.unit = unit  # already loaded: the answer names the unit without another query
    previous_values = None if created else report.values()

    for name in VALUE_FIELDS:
        setattr(report, name, cleaned.get(name))
    if late_reason is not None:
        report.late_reason = cleaned["late_reason"]
    report.updated_at = now
    report.updated_by = user
    report.channel = channel
    report.revision_count += 1
    report.warnings = warnings
    report.save()

    revision = ReportRevision.objects.create(
        report=report, unit=unit, date=day, number=report.revision_count, created_at=now,
        author=user, channel=channel, ip_address=ip_address, previous=previous_values,
        warnings=warnings, **{name: cleaned.get(name) for name in VALUE_FIELDS},
    )
    return ReportSaved(report=report, revision=revision, created=created, warnings=warnings)


def _lock_report(*, unit: Unit, day: dt.date) -> DailyReport | None:
    # Ordered by pk, not the model's ordering: that joins units_unit and would lock the unit row too.
    return DailyReport.objects.select_for_update().filter(unit=unit, date=day).order_by("pk").first()


def _create_report(
    *, campaign: Campaign, unit: Unit, day: dt.date, user: User, channel: str, now: dt.datetime
) -> DailyReport:
    """Insert the day's report, or lock the one a concurrent request just inserted."""
    try:
        with transaction.atomic():
            return DailyReport.objects.create(
                campaign=campaign, unit=unit, date=day,
                first_submitted_at=now, first_submitted_by=user, on_time=deadlines.is_on_time(
                    submitted_at=now, day=day, deadline=campaign.deadline, zone=campaign.zone,
                ),
                updated_at=now, updated_by=user, channel=channel,
            )
    except IntegrityError:
        return DailyReport.objects.select_for_update().get(unit=unit, date=day)
