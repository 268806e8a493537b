"""Where a validated report and its revision are written.

On PostgreSQL one statement does it (reporting_report_save_judged(),
migrations 0005 and 0009): the day lock of a save that could be on time
(reporting.watch.day_lock), the unit lock, the row lock, the insert or update and
the revision, in its own transaction unless the caller holds one. report_write_orm() is the
same write through the ORM: the path on SQLite, and the definition the
statement is tested against (settings.BLUEZONE_REPORT_SAVE_FUNCTION = False
uses it on PostgreSQL too).

A save may carry its author's submission key (one typed report). Both paths
look the key up under the unit lock and, when the author already used it,
write nothing and answer that revision (`repeated`); the partial unique
index on (author, key) is the backstop when two copies race on different
units' locks.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from reporting.models import VALUE_FIELDS, DailyReport, ReportRevision
from reporting.progress.table import progress_lock_unit
from reporting.watch import deadlines
from reporting.watch.day_lock import day_is_closed, day_save_lock
from units.models import Campaign, Unit, User


@dataclass
class ReportSaved:
    report: DailyReport
    revision: ReportRevision
    created: bool
    warnings: list[dict] = field(default_factory=list)
    # The author had sent this report before (its submission key): nothing was written, `revision` is that save.
    repeated: bool = False


def report_save_function_enabled() -> bool:
    return connection.vendor == "postgresql" and settings.BLUEZONE_REPORT_SAVE_FUNCTION


def report_write(
    *, campaign: Campaign, unit: Unit, day: dt.date, user: User, cleaned: dict, warnings: list[dict],
    channel: str, ip_address: str | None, keep_late_reason: bool, now: dt.datetime,
    submission_key: uuid.UUID | None = None,
) -> ReportSaved:
    """Create or replace `unit`'s report for `day` with `cleaned` and record the revision.

    Concurrent saves of one unit are serialised (unit lock, then row lock), so
    each leaves its own revision numbered in order. `keep_late_reason`: the
    caller sent no late reason, so the report keeps the one it has.
    `submission_key`: see the module docstring; a repeat is answered
    `repeated`, whatever unit and values it carries (the caller compares).
    """
    write = report_write_function if report_save_function_enabled() else report_write_orm
    try:
        return write(campaign=campaign, unit=unit, day=day, user=user, cleaned=cleaned, warnings=warnings,
                     channel=channel, ip_address=ip_address, keep_late_reason=keep_late_reason, now=now,
                     submission_key=submission_key)
    except IntegrityError:
        # Only a key can collide here (every other write of a unit waits for its lock).
        earlier = None if submission_key is None else revision_by_key(user=user, submission_key=submission_key)
        if earlier is None:
            raise
        return _repeated(earlier)


def revision_by_key(*, user: User, submission_key: uuid.UUID) -> ReportRevision | None:
    return (ReportRevision.objects.select_related("report", "unit")
            .filter(author=user, submission_key=submission_key).first())


def _repeated(revision: ReportRevision) -> ReportSaved:
    return ReportSaved(report=revision.report, revision=revision, created=False, warnings=revision.warnings,
                       repeated=True)


def _on_time(*, campaign: Campaign, day: dt.date, now: dt.datetime) -> bool:
    # Judged once, at the first submission (docs/design.md, rule 2).
    return deadlines.is_on_time(submitted_at=now, day=day, deadline=campaign.deadline, zone=campaign.zone)


def report_write_function(
    *, campaign: Campaign, unit: Unit, day: dt.date, user: User, cleaned: dict, warnings: list[dict],
    channel: str, ip_address: str | None, keep_late_reason: bool, now: dt.datetime,
    submission_key: uuid.UUID | None = None,
) -> ReportSaved:
    # Its own transaction: it may update the progress table itself (migration 0005).
    direct = not connection.in_atomic_block
    # Inside the caller's transaction a key that collides must not abort it: a savepoint (only then).
    guard = transaction.atomic() if submission_key is not None and not direct else nullcontext()
    with guard, connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM reporting_report_save_judged("
            "%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [campaign.pk, unit.pk, day, user.pk, channel, ip_address, now,
             _on_time(campaign=campaign, day=day, now=now), *(cleaned.get(name) for name in VALUE_FIELDS),
             None if keep_late_reason else cleaned["late_reason"], json.dumps(warnings), direct, submission_key],
        )
        # `now` comes back changed when the day was closed before this save got to it (reporting.watch.day_lock).
        (report_id, created, revision_id, number, campaign_id, first_submitted_at, first_submitted_by_id,
         on_time, late_reason, previous, now, repeated) = cursor.fetchone()
    if repeated:
        return _repeated(ReportRevision.objects.select_related("report", "unit").get(pk=revision_id))
    values = {name: cleaned.get(name) for name in VALUE_FIELDS}
    report = DailyReport(
        id=report_id, campaign_id=campaign_id, unit=unit, date=day, late_reason=late_reason,
        first_submitted_at=first_submitted_at, first_submitted_by_id=first_submitted_by_id, on_time=on_time,
        updated_at=now, updated_by=user, channel=channel, revision_count=number, warnings=warnings, **values,
    )
    revision = ReportRevision(
        id=revision_id, report=report, unit=unit, date=day, number=number, created_at=now, author=user,
        channel=channel, ip_address=ip_address, warnings=warnings, submission_key=submission_key, **values,
        # The database hands jsonb to Django's JSONField as text.
        previous=json.loads(previous) if isinstance(previous, str) else previous,
    )
    for instance in (report, revision):
        instance._state.adding = False
        instance._state.db = connection.alias
    return ReportSaved(report=report, revision=revision, created=created, warnings=warnings)


@transaction.atomic
def report_write_orm(
    *, campaign: Campaign, unit: Unit, day: dt.date, user: User, cleaned: dict, warnings: list[dict],
    channel: str, ip_address: str | None, keep_late_reason: bool, now: dt.datetime,
    submission_key: uuid.UUID | None = None,
) -> ReportSaved:
    on_time = _on_time(campaign=campaign, day=day, now=now)
    if on_time:
        # As reporting_report_save_judged() does (reporting.watch.day_lock): first the day, then the unit.
        day_save_lock(day=day)
        if day_is_closed(campaign_id=campaign.pk, day=day):
            on_time, now = False, timezone.now()
    progress_lock_unit(unit_id=unit.pk)  # before the row lock: see reporting.progress.table
    if submission_key is not None and (earlier := revision_by_key(user=user, submission_key=submission_key)):
        return _repeated(earlier)
    report = _lock_report(unit=unit, day=day)
    created = report is None
    if created:
        report = _create_report(campaign=campaign, unit=unit, day=day, user=user, channel=channel, now=now,
                                on_time=on_time)
        created = report.revision_count == 0
    report.unit = unit  # already loaded: the answer names the unit without another query
    previous_values = None if created else report.values()

    for name in VALUE_FIELDS:
        setattr(report, name, cleaned.get(name))
    if not keep_late_reason:
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
        warnings=warnings, submission_key=submission_key, **{name: cleaned.get(name) for name in VALUE_FIELDS},
    )
    return ReportSaved(report=report, revision=revision, created=created, warnings=warnings)


def _lock_report(*, unit: Unit, day: dt.date) -> DailyReport | None:
    # Ordered by pk, not the model's ordering: that joins units_unit and would lock the unit row too.
    return DailyReport.objects.select_for_update().filter(unit=unit, date=day).order_by("pk").first()


def _create_report(
    *, campaign: Campaign, unit: Unit, day: dt.date, user: User, channel: str, now: dt.datetime, on_time: bool,
) -> DailyReport:
    """Insert the day's report, or lock the one a concurrent request just inserted."""
    try:
        with transaction.atomic():
            return DailyReport.objects.create(
                campaign=campaign, unit=unit, date=day, first_submitted_at=now, first_submitted_by=user,
                on_time=on_time, updated_at=now, updated_by=user,
                channel=channel,
            )
    except IntegrityError:
        return DailyReport.objects.select_for_update().get(unit=unit, date=day)
