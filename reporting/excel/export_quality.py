"""Biểu 8 of the daily workbook: what reviewers should check before relying on the figures (rule 5).

Territories whose reports add up to more than their population, and the
warnings stored with the day's reports (a count went down, a count jumped), the questions DIC asked that
are not closed yet,
worded in the workbook's language (always Vietnamese unless an English copy
was asked for), whatever language they were saved in.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook

from reporting.excel.data import DailyReportData
from reporting.excel.export_sheets import _open
from reporting.excel.styles import Column, HeaderTexts
from reporting.intake.validation import field_label
from reporting.progress.data_quality import population_alarms, warnings_of_day
from reporting.questions.selectors import questions_not_closed
from reporting.record_text import warning_text
from units.models import Unit


def quality_sheet(wb: Workbook, *, title: str, header: HeaderTexts, data: DailyReportData) -> None:
    moment, zone = data.moment, data.campaign.zone
    columns = [
        Column(_("STT"), 6), Column(_("Đơn vị"), 28), Column(_("Mã đơn vị"), 9), Column(_("Loại cảnh báo"), 22),
        Column(_("Số liệu"), 22), Column(_("Nội dung"), 70), Column(_("Lúc"), 16),
    ]
    t = _open(wb, title, header, data, _("Biểu 8. Cảnh báo chất lượng số liệu ngày %(date)s") % {
        "date": moment.day.strftime("%d/%m/%Y")}, columns)
    progress = data.progress
    if progress is None and data.root_row is not None and data.scope.root.is_district:
        districts = [data.root_row]
    else:
        districts = data.districts
    number = 0
    for alarm in population_alarms(progress=progress, districts=districts):
        number += 1
        text = _("Tổng báo cáo %(installed)s vượt dân số %(population)s (%(excess)s người); tỷ lệ trên 100 %% không "
                 "thể đúng, cần kiểm tra báo cáo của các xã, phường, thị trấn.") % {
            "installed": _grouped(alarm.installed), "population": _grouped(alarm.population),
            "excess": _grouped(alarm.excess)}
        t.add([t.c(number), t.t(alarm.unit.name), t.c(alarm.unit.code), t.t(_("Tổng báo cáo vượt dân số")),
               t.t(_("Số người dân đã cài đặt")), t.t(text), t.ts(None, zone)])
    for stored in warnings_of_day(root=data.scope.root, day=moment.day, known_at=moment.known_at):
        number += 1
        revision, warning = stored.revision, stored.warning
        kind = _("Tăng đột biến") if warning.get("code") == "jump" else _("Giảm so với báo cáo trước")
        label = field_label(warning["field"]) if warning.get("field") else ""
        t.add([t.c(number), t.t(revision.unit.name), t.c(revision.unit.code), t.t(kind), t.t(label),
               t.t(warning_text(warning)), t.ts(revision.created_at, zone)])
    for question in _open_questions(data):
        number += 1
        thread = [warning_text(question.warning)] if question.warning else []
        thread += [m.text for m in question.messages.all() if m.text]
        kind = _("Câu hỏi chưa đóng: %(status)s") % {"status": question.get_status_display()}
        t.add([t.c(number), t.t(question.unit.name), t.c(question.unit.code), t.t(kind),
               t.t(_("Báo cáo ngày %(date)s") % {"date": question.date.strftime("%d/%m/%Y")}),
               t.t(" — ".join(thread)), t.ts(question.opened_at, zone)])
    t.close(empty_note=_("Không có cảnh báo nào về số liệu."))


def _open_questions(data: DailyReportData) -> list:
    """Questions about the scope's units not closed when the figures were taken (DIC still waits on them)."""
    known_at = data.moment.known_at
    questions = questions_not_closed(units=Unit.objects.subtree(data.scope.root), day=data.moment.day)
    if known_at is not None:
        questions = [q for q in questions if q.opened_at <= known_at]
    return questions


def _grouped(value: int) -> str:
    # The workbook is a Vietnamese document: dots between thousands.
    return f"{value:,}".replace(",", ".")
