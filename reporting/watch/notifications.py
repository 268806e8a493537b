"""Deadline-watch e-mails, separate from detection (reporting.watch.flagging).

Each e-mail is one Notification row, unique per (kind, date, unit,
recipient). The row is inserted first and the mail goes out only if this
run inserted it, so a job that runs twice — or twice at once — sends each
e-mail once. If sending fails the row is removed, so a later tick retries.
Claim, send and "sent" are one transaction: a worker killed mid-send leaves
no claim behind (PostgreSQL drops it with the connection), so the
redelivered job sends that e-mail; a concurrent run waits on the
uncommitted claim and then skips it. (A worker killed after the mail server
took the e-mail and before the commit means it is sent twice: better than
never.)

Only the current local campaign day is ever notified: a tick that catches
up days long past (the scheduler was down) records their flags but sends no
stale reminder, notice or summary. Reminders go out from
settings.BLUEZONE_REMINDER_TIME until the deadline; the other e-mails from
the deadline on.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from reporting.campaigns import campaign_current, campaign_deadline_at, campaign_today
from reporting.models import DailyReport, Notification
from reporting.watch import deadlines
from reporting.watch.compliance import EXCUSED, LATE, MISSING, NOT_YET, ON_TIME, compliance_for_day, units_due
from reporting.watch.flags import flag_rows
from units.models import Campaign, Role, Unit, User

logger = logging.getLogger(__name__)
Kind = Notification.Kind


@dataclass
class NotifyRun:
    day: dt.date | None = None
    sent: dict[str, int] = field(default_factory=dict)


def reminder_time() -> dt.time:
    raw = str(settings.BLUEZONE_REMINDER_TIME).strip()
    try:
        hours, minutes = raw.split(":")
        return dt.time(int(hours), int(minutes))
    except ValueError:
        raise ImproperlyConfigured(f"BLUEZONE_REMINDER_TIME must be HH:MM (local time), not {raw!r}.") from None


def reminder_at(*, campaign: Campaign, day: dt.date) -> dt.datetime:
    return deadlines.deadline_at(day=day, deadline=reminder_time(), zone=campaign.zone)


def _in_vietnamese(func):
    """E-mails are written in Vietnamese whatever language the calling process is in."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override("vi"):
            return func(*args, **kwargs)

    return wrapper


@_in_vietnamese
def notifications_send_due(*, now: dt.datetime | None = None, campaign: Campaign | None = None) -> NotifyRun:
    """Send whatever is due now for the current campaign day, once."""
    now = now or timezone.now()
    campaign = campaign or campaign_current()
    run = NotifyRun()
    if campaign is None:
        return run
    today = campaign_today(campaign=campaign, now=now)
    if not campaign.contains(today):
        return run
    run.day = today
    if reminder_at(campaign=campaign, day=today) <= now < campaign_deadline_at(campaign=campaign, day=today):
        run.sent[Kind.REMINDER] = reminders_send(campaign=campaign, day=today, now=now)
    if now >= campaign_deadline_at(campaign=campaign, day=today):
        run.sent[Kind.MISSED] = missed_notices_send(campaign=campaign, day=today, now=now)
        run.sent[Kind.ESCALATION] = escalation_notices_send(campaign=campaign, day=today, now=now)
        run.sent[Kind.SUMMARY] = summary_send(campaign=campaign, day=today, now=now)
    return run


def _is_current(*, campaign: Campaign, day: dt.date, now: dt.datetime) -> bool:
    return day == campaign_today(campaign=campaign, now=now) and campaign.contains(day)


def _recipients(qs) -> list[User]:
    return list(qs.filter(is_active=True).exclude(email="").select_related("unit").order_by("username"))


def _already_sent(*, kind: str, day: dt.date) -> set[tuple[int, int]]:
    return set(Notification.objects.filter(kind=kind, date=day).values_list("unit_id", "recipient_id"))


@_in_vietnamese
def reminders_send(*, campaign: Campaign, day: dt.date, now: dt.datetime) -> int:
    """Before the deadline: remind the users of due units that have not reported yet."""
    if not _is_current(campaign=campaign, day=day, now=now):
        return 0
    if not reminder_at(campaign=campaign, day=day) <= now < campaign_deadline_at(campaign=campaign, day=day):
        return 0
    waiting = units_due(within=Unit.objects.subtree(campaign.root)).filter(
        ~Exists(DailyReport.objects.filter(unit=OuterRef("pk"), date=day))
    )
    done = _already_sent(kind=Kind.REMINDER, day=day)
    deadline_local = timezone.localtime(campaign_deadline_at(campaign=campaign, day=day), campaign.zone)
    sent = 0
    for user in _recipients(User.objects.filter(unit__in=waiting)):
        if (user.unit_id, user.pk) in done:
            continue
        subject = _("[Bluezone] Nhắc báo cáo ngày %(day)s trước %(time)s") % {
            "day": date_format(day, "d/m/Y"), "time": date_format(deadline_local, "H:i"),
        }
        context = {"unit": user.unit, "day": day, "deadline": deadline_local, "recipient": user}
        sent += _deliver(kind=Kind.REMINDER, day=day, unit=user.unit, recipient=user, subject=subject,
                         template="reminder", context=context, now=now)
    return sent


@_in_vietnamese
def missed_notices_send(*, campaign: Campaign, day: dt.date, now: dt.datetime) -> int:
    """After the deadline: tell each flagged unit's users."""
    if not _is_current(campaign=campaign, day=day, now=now) or now < campaign_deadline_at(campaign=campaign, day=day):
        return 0
    rows = [r for r in flag_rows(campaign=campaign, day=day) if not r.flag.excused]
    by_unit = {r.flag.unit_id: r for r in rows}
    done = _already_sent(kind=Kind.MISSED, day=day)
    sent = 0
    for user in _recipients(User.objects.filter(unit_id__in=by_unit)):
        if (user.unit_id, user.pk) in done:
            continue
        row = by_unit[user.unit_id]
        subject = _("[Bluezone] %(unit)s chưa báo cáo đúng hạn ngày %(day)s") % {
            "unit": row.unit.name, "day": date_format(day, "d/m/Y"),
        }
        context = {"unit": row.unit, "day": day, "row": row, "recipient": user,
                   "deadline": timezone.localtime(campaign_deadline_at(campaign=campaign, day=day), campaign.zone)}
        sent += _deliver(kind=Kind.MISSED, day=day, unit=row.unit, recipient=user, subject=subject,
                         template="missed", context=context, now=now)
    return sent


@_in_vietnamese
def escalation_notices_send(*, campaign: Campaign, day: dt.date, now: dt.datetime) -> int:
    """Repeat offenders: tell the users of the unit's parent (its district)."""
    if not _is_current(campaign=campaign, day=day, now=now) or now < campaign_deadline_at(campaign=campaign, day=day):
        return 0
    rows = [r for r in flag_rows(campaign=campaign, day=day, escalated_only=True) if not r.flag.excused]
    by_parent: dict[int, list] = {}
    for row in rows:
        if row.unit.parent_id:
            by_parent.setdefault(row.unit.parent_id, []).append(row)
    done = _already_sent(kind=Kind.ESCALATION, day=day)
    sent = 0
    for user in _recipients(User.objects.filter(unit_id__in=by_parent)):
        # One e-mail per district user listing its repeat offenders; one Notification row per offender.
        pending = [row for row in by_parent[user.unit_id] if (row.flag.unit_id, user.pk) not in done]
        with transaction.atomic():  # claims and send together (see the module docstring)
            claimed = [(row, note) for row in pending if (note := _claim(
                kind=Kind.ESCALATION, day=day, unit=row.unit, recipient=user, now=now))]
            if not claimed:
                continue
            rows = [row for row, _note in claimed]
            if len(rows) == 1:
                subject = _("[Bluezone] %(unit)s trễ hạn báo cáo %(n)s ngày liên tiếp") % {
                    "unit": rows[0].unit.name, "n": rows[0].consecutive_misses,
                }
            else:
                subject = _("[Bluezone] %(n)s đơn vị thuộc %(parent)s trễ hạn báo cáo nhiều ngày liên tiếp") % {
                    "n": len(rows), "parent": user.unit.name,
                }
            context = {"rows": rows, "parent": user.unit, "day": day, "recipient": user}
            sent += _send(notes=[note for _row, note in claimed], recipient=user, subject=subject,
                          template="escalation", context=context)
    return sent


@_in_vietnamese
def summary_send(*, campaign: Campaign, day: dt.date, now: dt.datetime) -> int:
    """After the deadline: the day's compliance for DIC reviewers."""
    if not _is_current(campaign=campaign, day=day, now=now) or now < campaign_deadline_at(campaign=campaign, day=day):
        return 0
    reviewers = _recipients(User.objects.filter(role=Role.REVIEWER))
    done = _already_sent(kind=Kind.SUMMARY, day=day)
    reviewers = [r for r in reviewers if (campaign.root_id, r.pk) not in done]
    if not reviewers:
        return 0
    context = summary_context(campaign=campaign, day=day, now=now)
    subject = _("[Bluezone] Tổng hợp báo cáo ngày %(day)s: %(missing)s đơn vị chưa báo cáo") % {
        "day": date_format(day, "d/m/Y"), "missing": context["counts"][MISSING],
    }
    sent = 0
    for user in reviewers:
        sent += _deliver(kind=Kind.SUMMARY, day=day, unit=campaign.root, recipient=user, subject=subject,
                         template="summary", context=context | {"recipient": user}, now=now)
    return sent


def summary_context(*, campaign: Campaign, day: dt.date, now: dt.datetime) -> dict:
    within = Unit.objects.subtree(campaign.root)
    compliance = compliance_for_day(campaign=campaign, day=day, within=within, now=now)
    names = dict(units_due(within=within).values_list("code", "name"))
    lists = {status: [(code, names.get(code, code)) for code in compliance.codes[status]]
             for status in (MISSING, LATE, EXCUSED, NOT_YET)}
    escalated = [r for r in flag_rows(campaign=campaign, day=day, escalated_only=True) if not r.flag.excused]
    return {
        "day": day, "counts": compliance.counts, "lists": lists, "escalated": escalated,
        "total": sum(compliance.counts.values()), "ON_TIME": ON_TIME,
    }


# Where each e-mail sends its reader.
_LINKS = {Kind.REMINDER: "report_today", Kind.MISSED: "report_today", Kind.ESCALATION: "flags_board",
          Kind.SUMMARY: "flags_board", Kind.QUESTION: "question_list", Kind.ANSWER: "question_list"}


def portal_link(url_name: str) -> str:
    """Absolute link when the portal's public address is configured (BLUEZONE_PORTAL_URL), else ''."""
    base = str(settings.BLUEZONE_PORTAL_URL or "").rstrip("/")
    if not base:
        return ""
    try:
        return base + reverse(url_name)
    except NoReverseMatch:
        return base + "/"


def _deliver(
    *, kind: str, day: dt.date, unit: Unit, recipient: User, subject: str, template: str, context: dict,
    now: dt.datetime,
) -> int:
    """Claim the Notification row, then send, in one transaction; 1 if this call sent the e-mail."""
    with transaction.atomic():
        note = _claim(kind=kind, day=day, unit=unit, recipient=recipient, now=now)
        if note is None:
            return 0
        return _send(notes=[note], recipient=recipient, subject=subject, template=template, context=context)


def _claim(*, kind: str, day: dt.date, unit: Unit, recipient: User, now: dt.datetime) -> Notification | None:
    """Insert the row that says this e-mail is (being) sent; None if another run already did."""
    try:
        with transaction.atomic():
            return Notification.objects.create(kind=kind, date=day, unit=unit, recipient=recipient, created_at=now)
    except IntegrityError:
        return None


def _send(*, notes: list[Notification], recipient: User, subject: str, template: str, context: dict) -> int:
    """Send one e-mail for the claimed rows; on failure release them so a later run retries."""
    kind = notes[0].kind
    context = {"portal_url": portal_link(_LINKS[kind])} | context
    text = render_to_string(f"email/{template}.txt", context)
    html = render_to_string(f"email/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[recipient.email])
    message.attach_alternative(html, "text/html")
    ids = [note.pk for note in notes]
    try:
        message.send()
    except Exception:
        logger.exception("e-mail %s to %s failed; a later run retries", kind, recipient.username)
        Notification.objects.filter(pk__in=ids).delete()
        return 0
    Notification.objects.filter(pk__in=ids).update(sent_at=timezone.now(), subject=subject[:250])
    return 1
