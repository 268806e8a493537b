from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from units.models import Campaign, Unit

COUNT_FIELDS = ("residents_installed", "staff_installed", "family_installed", "assisted_installs")
VALUE_FIELDS = (*COUNT_FIELDS, "note")


class Channel(models.TextChoices):
    WEB = "web", _("Trang web")
    API = "api", _("API")
    IMPORT = "import", _("Nhập từ Excel")
    DEMO = "demo", _("Dữ liệu mẫu")


def _non_negative(field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0}),
        name=f"dailyreport_{field}_non_negative",
    )


class DailyReport(models.Model):
    """A unit's cumulative counts as of one local date; one per (unit, date)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="reports", verbose_name=_("chiến dịch"))
    # No index of its own: (unit, date) leads the unique constraint's index, which every lookup by unit uses
    # (in either direction), so another index would only cost every insert (issue 7).
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reports", verbose_name=_("đơn vị"),
                             db_index=False)
    date = models.DateField(_("ngày báo cáo"))
    residents_installed = models.BigIntegerField(_("số người dân đã cài đặt"), null=True, blank=True)
    staff_installed = models.BigIntegerField(_("số cán bộ đã cài đặt"), null=True, blank=True)
    family_installed = models.BigIntegerField(_("số người thân đã cài đặt"), null=True, blank=True)
    assisted_installs = models.BigIntegerField(_("số người được hỗ trợ cài đặt"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    late_reason = models.TextField(_("lý do báo cáo trễ"), blank=True)

    # Timeliness is judged once, at the first submission, and never changes.
    first_submitted_at = models.DateTimeField(_("nộp lần đầu lúc"))
    first_submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
        verbose_name=_("người nộp lần đầu"),
    )
    on_time = models.BooleanField(_("đúng hạn"))
    updated_at = models.DateTimeField(_("cập nhật lúc"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
        verbose_name=_("người cập nhật"),
    )
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    revision_count = models.PositiveIntegerField(_("số lần sửa"), default=0)
    # Kept for reviewers: a cumulative count went down against the previous report.
    warnings = models.JSONField(_("cảnh báo"), default=list, blank=True)

    class Meta:
        verbose_name = _("báo cáo ngày")
        verbose_name_plural = _("các báo cáo ngày")
        ordering = ["-date", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "date"], name="dailyreport_one_per_unit_and_day"),
            *[_non_negative(f) for f in COUNT_FIELDS],
        ]
        indexes = [models.Index(fields=["date"], name="dailyreport_date")]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.date:%d/%m/%Y}"

    def values(self) -> dict:
        return {f: getattr(self, f) for f in VALUE_FIELDS}


class ReportRevision(models.Model):
    """Every save of a report, old → new; never edited, never deleted.

    unit and date are copied here so that a snapshot "as the figures stood at
    time T" is a query over revisions alone.
    """

    # Both served by the composite indexes below, which they lead; one per save fewer to write each (issue 7).
    report = models.ForeignKey(DailyReport, on_delete=models.PROTECT, related_name="revisions", db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", db_index=False)
    date = models.DateField()
    number = models.PositiveIntegerField(_("lần"))
    created_at = models.DateTimeField(_("lúc"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    residents_installed = models.BigIntegerField(null=True, blank=True)
    staff_installed = models.BigIntegerField(null=True, blank=True)
    family_installed = models.BigIntegerField(null=True, blank=True)
    assisted_installs = models.BigIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    previous = models.JSONField(_("giá trị trước"), null=True, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    # One typed report, however often it is sent (a phone back online, a lost answer, a double tap): its second
    # arrival is answered with this revision instead of writing another (reporting.intake.services).
    submission_key = models.UUIDField(_("mã lần gửi"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("lần sửa báo cáo")
        verbose_name_plural = _("lịch sử sửa báo cáo")
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="revision_number_unique"),
            # Per author: another user's copy of a key is their own report. Partial: most saves carry no key.
            models.UniqueConstraint(fields=["author", "submission_key"], condition=Q(submission_key__isnull=False),
                                    name="revision_submission_once"),
        ]
        indexes = [models.Index(fields=["unit", "-date", "-created_at"], name="revision_unit_latest")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.date:%d/%m/%Y} #{self.number}"

    def values(self) -> dict:
        return {f: getattr(self, f) for f in VALUE_FIELDS}


class MissedDeadline(models.Model):
    """A must-report unit had no on-time report for `date` when its deadline passed."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="missed")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="missed_deadlines")
    date = models.DateField(_("ngày"))
    flagged_at = models.DateTimeField(_("ghi nhận lúc"))
    excused = models.BooleanField(_("đã miễn"), default=False)
    excuse_reason = models.TextField(_("lý do miễn"), blank=True)
    excused_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    excused_at = models.DateTimeField(null=True, blank=True)
    escalated = models.BooleanField(_("đã báo cấp trên"), default=False)

    class Meta:
        verbose_name = _("trễ hạn báo cáo")
        verbose_name_plural = _("các lần trễ hạn báo cáo")
        ordering = ["-date", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "date"], name="missed_once_per_unit_and_day"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.date:%d/%m/%Y}"


class ClosedDay(models.Model):
    """A campaign day the deadline watch has closed: its missed deadlines are flagged.

    Lets the one-minute tick skip the days it has already closed instead of
    re-examining every unit on every past day (issue 7: 1.36 million probes a
    minute at national scale); `flag_missed_reports` and a given day still
    examine again.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="closed_days")
    date = models.DateField()
    closed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "date"], name="closed_day_once")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.date:%d/%m/%Y}"


class Notification(models.Model):
    """One e-mail the portal sent; the unique key makes each send happen once."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Nhắc nhở trước hạn")
        MISSED = "missed", _("Thông báo trễ hạn")
        SUMMARY = "summary", _("Tổng hợp hằng ngày")
        ESCALATION = "escalation", _("Báo cấp trên")
        QUESTION = "question", _("Câu hỏi về số liệu")
        ANSWER = "answer", _("Đơn vị trả lời câu hỏi")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    date = models.DateField()
    # The daily summary is about the campaign's root unit (the province).
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications")
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    subject = models.CharField(max_length=250, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "date", "unit", "recipient"], name="notification_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.date:%d/%m/%Y} → {self.recipient_id}"


class ProgressDay(models.Model):
    """A territory's rule-1 figures for one day, kept by PostgreSQL so dashboards need not scan reports.

    For every unit above at least one active leaf (ward, township, commune) and
    every day of ProgressSpan: the sum of its active leaves' latest residents
    figure dated on or before that day, how many such leaves it has, and how
    many of them reported (on time) that very day. Triggers written in
    migration 0003 keep it exact in the same transaction as every report and
    unit change; reporting.progress.table reads it. Empty on SQLite, where the
    selectors compute everything from the reports.
    """

    pk = models.CompositePrimaryKey("unit", "date")
    unit = models.ForeignKey(Unit, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+")
    date = models.DateField()
    residents_installed = models.BigIntegerField(default=0)
    leaves = models.IntegerField(default=0)
    reported_leaves = models.IntegerField(default=0)
    on_time_leaves = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.unit_id} {self.date:%d/%m/%Y}"


class ProgressSpan(models.Model):
    """The days ProgressDay covers (one row, or none: then the selectors read the reports)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    first_date = models.DateField()
    last_date = models.DateField()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="progressspan_single_row")]

    def __str__(self) -> str:
        return f"{self.first_date:%d/%m/%Y} – {self.last_date:%d/%m/%Y}"


class WatchHeartbeat(models.Model):
    """When the deadline watch (beat's tick) last finished, so that its silence shows (healthchecks.io's idea).

    One row per watch, rewritten by every tick; the database, not Redis,
    keeps it, so a dead broker and a dead beat both show as silence.
    """

    name = models.CharField(max_length=40, primary_key=True)
    last_tick_at = models.DateTimeField(_("lần chạy gần nhất"))
    last_result = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("nhịp theo dõi hạn báo cáo")
        verbose_name_plural = _("nhịp theo dõi hạn báo cáo")

    def __str__(self) -> str:
        return f"{self.name} {self.last_tick_at:%Y-%m-%d %H:%M:%S}"


class Question(models.Model):
    """A reviewer's question about a unit's figures for a day: open → answered by the unit → closed by DIC.

    What prompted it may be a stored warning (`warning`: its code and values,
    rule 7), worded for each reader; the thread is QuestionMessage.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Chờ đơn vị trả lời")
        ANSWERED = "answered", _("Đơn vị đã trả lời")
        CLOSED = "closed", _("Đã đóng")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="questions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="questions", verbose_name=_("đơn vị"))
    date = models.DateField(_("ngày báo cáo"))
    status = models.CharField(_("tình trạng"), max_length=10, choices=Status.choices, default=Status.OPEN)
    warning = models.JSONField(_("cảnh báo được hỏi"), null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("hỏi lúc"))
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("câu hỏi về số liệu")
        verbose_name_plural = _("các câu hỏi về số liệu")
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["unit", "date"], name="question_unit_date"),
            models.Index(fields=["status", "-opened_at"], name="question_status"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.date:%d/%m/%Y} {self.status}"


class QuestionMessage(models.Model):
    """One step of a question's thread; never edited."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("Câu hỏi")
        CORRECTED = "corrected", _("Đơn vị sửa số liệu")
        CONFIRMED = "confirmed", _("Đơn vị xác nhận số liệu")
        CLOSED = "closed", _("Sở TT&TT đóng câu hỏi")

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="messages")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    text = models.TextField(blank=True)
    # The revision a correction made: the history shows which figures the answer changed.
    revision = models.ForeignKey(ReportRevision, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["question", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.question_id} {self.kind}"
