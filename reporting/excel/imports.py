"""Bulk entry from Excel: every row through the report service, all saved or none.

`excel_import_run` checks the file (archive.xlsx_check) before any parsing,
reads the sheet (import_sheet.sheet_read), validates every row with
reporting.intake.services.report_validate — the same rules and messages as the form
and the API — and only when no row has an error saves them all with
report_submit(channel="import") in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting.campaigns import campaign_current
from reporting.excel.archive import UploadRefused, xlsx_check
from reporting.excel.import_sheet import ImportSheet, SheetRow, sheet_read
from reporting.intake.bounds import unit_bounds_many
from reporting.intake.services import ReportForbidden, ReportRefused, report_submit, report_validate
from reporting.intake.validation import date_errors
from reporting.models import VALUE_FIELDS, Channel, DailyReport
from reporting.record_text import warning_text
from reporting.refusals import Forbidden
from reporting.watch import deadlines
from units.models import Campaign, Unit, User


class ImportRefused(Exception):
    """Nothing was saved. `errors` are {"row", "column", "field", "message"}, by row.

    `forbidden`: refused because of who uploads (a row for a unit out of their
    reach), not because of what the file says; the channel decides what that
    means in HTTP.
    """

    def __init__(self, errors: list[dict], *, forbidden: bool = False):
        super().__init__(errors)
        self.errors = errors
        self.forbidden = forbidden


@dataclass
class ImportResult:
    day: dt.date
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[dict] = field(default_factory=list)
    # What was written, so the upload page can link each saved report's receipt.
    reports: list[dict] = field(default_factory=list)

    @property
    def saved(self) -> int:
        return self.created + self.updated


def _error(message: str, *, row: int | None = None, column: str | None = None, field_name: str | None = None) -> dict:
    return {"row": row, "column": column, "field": field_name, "message": message}


def _row_errors(sheet: ImportSheet, row: SheetRow, errors: dict[str, list[str]]) -> list[dict]:
    found = []
    for name, messages in errors.items():
        if name == "date":
            continue  # checked once for the whole file
        column = sheet.column_letter(name) if name in (*VALUE_FIELDS, "late_reason") else None
        for message in messages:
            found.append(_error(message, row=row.number, column=column, field_name=None if name == "__all__" else name))
    return found


def _resolve_day(*, sheet: ImportSheet, day: dt.date | None) -> dt.date:
    if sheet.day_error:
        raise ImportRefused([_error(sheet.day_error, row=_row_of(sheet.day_cell), column="B", field_name="date")])
    if sheet.day and day and sheet.day != day:
        raise ImportRefused([_error(
            _("Ngày báo cáo trong tệp (%(sheet)s) khác với ngày đã chọn (%(chosen)s).") % {
                "sheet": sheet.day.strftime("%d/%m/%Y"), "chosen": day.strftime("%d/%m/%Y")},
            row=_row_of(sheet.day_cell), column="B", field_name="date")])
    chosen = sheet.day or day
    if chosen is None:
        raise ImportRefused([_error(_("Ngày báo cáo: chưa có. Hãy điền ô “Ngày báo cáo” trong tệp hoặc chọn ngày."),
                                    field_name="date")])
    return chosen


def _row_of(cell: str | None) -> int | None:
    return int(cell[1:]) if cell else None


def _values(row: SheetRow) -> dict:
    values = {name: row.values.get(name) for name in VALUE_FIELDS}
    note = values.get("note")
    if note is not None and not isinstance(note, str):
        values["note"] = str(note)  # a note typed as a number or a date is still a note
    return values


def _late_reason(row: SheetRow) -> str | None:
    """The row's late reason; None when its cell is empty (the report then keeps the reason it has)."""
    raw = row.values.get("late_reason")
    text = str(raw).strip() if raw is not None else ""
    return text or None


def _unchanged(existing: DailyReport | None, cleaned: dict, *, late_reason: str | None) -> bool:
    """Nothing to save: the same counts and note, and no late reason other than the one the report has."""
    return (
        existing is not None
        and all(getattr(existing, name) == cleaned.get(name) for name in VALUE_FIELDS)
        and (late_reason is None or existing.late_reason == cleaned["late_reason"])
    )


def excel_import_run(
    *, user: User, data: bytes, day: dt.date | None = None, ip_address: str | None = None,
    now: dt.datetime | None = None, campaign: Campaign | None = None,
) -> ImportResult:
    """Save every row of the uploaded workbook, or none; raise ImportRefused with the reasons."""
    now = now or timezone.now()
    campaign = campaign or campaign_current()
    if campaign is None:
        raise ImportRefused([_error(_("Chưa có chiến dịch nào."))])
    try:
        xlsx_check(data)
        sheet = sheet_read(data)
    except UploadRefused as refused:
        raise ImportRefused([_error(refused.message, field_name="file")]) from None
    if sheet.errors:
        raise ImportRefused(sheet.errors)
    day = _resolve_day(sheet=sheet, day=day)
    today = deadlines.local_date(at=now, zone=campaign.zone)
    if messages := date_errors(campaign=campaign, day=day, today=today):
        raise ImportRefused([_error(m, row=_row_of(sheet.day_cell), column="B" if sheet.day_cell else None,
                                    field_name="date") for m in messages])
    if not sheet.rows:
        raise ImportRefused([_error(_("Tệp không có dòng số liệu nào để nhập."), field_name="file")])

    units = {u.code: u for u in Unit.objects.filter(code__in={r.code for r in sheet.rows if r.code})}
    existing = {r.unit_id: r for r in DailyReport.objects.filter(unit__in=units.values(), date=day)}
    bounds = unit_bounds_many(units=units.values())
    errors: list[dict] = []
    forbidden = False
    seen: dict[str, int] = {}
    to_save: list[tuple[SheetRow, Unit]] = []
    result = ImportResult(day=day)
    code_column = sheet.column_letter("code")
    for row in sheet.rows:
        unit = units.get(row.code)
        if not row.code:
            errors.append(_error(_("Mã đơn vị: chưa có."), row=row.number, column=code_column, field_name="unit"))
            continue
        if unit is None:
            errors.append(_error(_("Mã đơn vị “%(code)s” không tồn tại.") % {"code": row.code[:20]},
                                 row=row.number, column=code_column, field_name="unit"))
            continue
        if row.code in seen:
            errors.append(_error(_("Đơn vị %(unit)s xuất hiện hai lần (dòng %(first)s và dòng %(row)s).") % {
                "unit": unit.name, "first": seen[row.code], "row": row.number},
                row=row.number, column=code_column, field_name="unit"))
            continue
        seen[row.code] = row.number
        reason = _late_reason(row)
        try:
            # No previous report: only warnings need it, and the save below words those itself.
            cleaned, _warnings = report_validate(user=user, unit=unit, day=day, values=_values(row),
                                                 previous=None, now=now, campaign=campaign, late_reason=reason,
                                                 channel=Channel.IMPORT, bounds=bounds[unit.pk])
        except ReportForbidden as refused:
            forbidden = True
            errors += [_error(m, row=row.number, column=code_column, field_name="unit")
                       for m in refused.errors["__all__"]]
            continue
        except ReportRefused as refused:
            errors += _row_errors(sheet, row, refused.errors)
            continue
        if _unchanged(existing.get(unit.pk), cleaned, late_reason=reason):
            result.unchanged += 1
            continue
        to_save.append((row, unit))
    if errors:
        raise ImportRefused(errors, forbidden=forbidden)
    _save_all(sheet=sheet, rows=to_save, user=user, day=day, now=now, campaign=campaign,
              ip_address=ip_address, result=result, bounds=bounds)
    return result


class _RowFailed(Exception):
    def __init__(self, row: SheetRow, refused: ReportRefused):
        super().__init__(row.number)
        self.row, self.refused = row, refused


def _save_all(*, sheet: ImportSheet, rows: list[tuple[SheetRow, Unit]], user: User, day: dt.date,
              now: dt.datetime, campaign: Campaign, ip_address: str | None, result: ImportResult,
              bounds: dict) -> None:
    try:
        with transaction.atomic():
            for row, unit in rows:
                try:
                    saved = report_submit(user=user, unit=unit, day=day, values=_values(row), channel=Channel.IMPORT,
                                          ip_address=ip_address, late_reason=_late_reason(row), now=now,
                                          campaign=campaign, bounds=bounds[unit.pk])
                except ReportRefused as refused:  # changed between the check and the save: undo everything
                    raise _RowFailed(row, refused) from refused
                if saved.created:
                    result.created += 1
                else:
                    result.updated += 1
                result.reports.append({"unit": unit.code, "name": unit.name, "revision": saved.revision.pk,
                                       "created": saved.created})
                result.warnings += [
                    _error(warning_text(w), row=row.number, column=sheet.column_letter(w["field"]), field_name=w["field"])
                    for w in saved.warnings
                ]
    except _RowFailed as failed:
        raise ImportRefused(_row_errors(sheet, failed.row, failed.refused.errors),
                            forbidden=isinstance(failed.refused, Forbidden)) from None
