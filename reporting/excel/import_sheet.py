"""Reading a filled import template: where the header is, which column is which field, each row's values.

Columns are found by their header text, so inserted or reordered columns
still work; the report date is the cell beside "Ngày báo cáo". Formulas are
taken by the value Excel last computed, and refused when there is none.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from reporting.excel.archive import UploadRefused, not_xlsx_message
from reporting.intake.validation import field_label
from reporting.models import COUNT_FIELDS

MAX_ROWS = 2000
HEADER_SEARCH_ROWS = 30
MAX_COLUMNS = 40
INPUT_FIELDS = (*COUNT_FIELDS, "note", "late_reason")


def code_label() -> str:
    return _("Mã đơn vị")


def date_label() -> str:
    return _("Ngày báo cáo")


def input_labels() -> dict[str, str]:
    """The header text of each input column of the template."""
    return {
        **{name: field_label(name) for name in COUNT_FIELDS},
        "note": _("Ghi chú"),
        "late_reason": _("Lý do báo cáo trễ hạn"),
    }


def _norm(value) -> str:
    if not isinstance(value, str):
        return ""
    text = unicodedata.normalize("NFC", value).strip().lower()
    return re.sub(r"\s+", " ", text.rstrip(":*").strip())


def _labels_in_every_language() -> dict[str, set[str]]:
    """Header texts in each portal language: a template made in English imports in a Vietnamese session."""
    found: dict[str, set[str]] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for name, label in {"code": code_label(), "date": date_label(), **input_labels()}.items():
                found.setdefault(name, set()).add(_norm(label))
    return found


@dataclass
class SheetRow:
    number: int
    code: str
    values: dict = field(default_factory=dict)


@dataclass
class ImportSheet:
    columns: dict[str, int]  # field -> 1-based column index
    day: dt.date | None
    day_cell: str | None
    day_error: str | None
    rows: list[SheetRow]
    errors: list[dict]

    def column_letter(self, name: str) -> str | None:
        index = self.columns.get(name)
        return get_column_letter(index) if index else None


def _header_map(row: tuple, labels: dict[str, set[str]]) -> dict[str, int]:
    wanted = {name: texts for name, texts in labels.items() if name != "date"}
    columns: dict[str, int] = {}
    for index, value in enumerate(row, start=1):
        text = _norm(value)
        for name, labels in wanted.items():
            if text in labels and name not in columns:
                columns[name] = index
    return columns


def _parse_day(value) -> tuple[dt.date | None, str | None]:
    if value is None or value == "":
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, str):
        text = value.strip()
        for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
            try:
                return dt.datetime.strptime(text, fmt).date(), None  # noqa: DTZ007 — a calendar date, no time
            except ValueError:
                continue
    return None, _("Ngày báo cáo: “%(value)s” không phải một ngày (dạng dd/mm/yyyy).") % {"value": str(value)[:20]}


def _code(value) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _formula_error(coordinate: str) -> str:
    return _("Ô %(cell)s chứa công thức nhưng không có giá trị đã tính. Hãy mở tệp bằng Excel hoặc LibreOffice, "
             "lưu lại rồi tải lên, hoặc nhập số trực tiếp.") % {"cell": coordinate}


def sheet_read(data: bytes) -> ImportSheet:
    """Read the first worksheet of an xlsx already checked by archive.xlsx_check."""
    try:
        formulas_wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        values_wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on broken parts
        raise UploadRefused(not_xlsx_message()) from None
    try:
        return _sheet_read(formulas_wb.worksheets[0], values_wb.worksheets[0])
    except UploadRefused:
        raise
    except Exception:
        raise UploadRefused(not_xlsx_message()) from None
    finally:
        formulas_wb.close()
        values_wb.close()


def _sheet_read(formulas_ws, values_ws) -> ImportSheet:
    limit = HEADER_SEARCH_ROWS + MAX_ROWS + 1
    cells = zip(
        formulas_ws.iter_rows(max_row=limit, max_col=MAX_COLUMNS),
        values_ws.iter_rows(max_row=limit, max_col=MAX_COLUMNS, values_only=True), strict=False,
    )
    sheet = ImportSheet(columns={}, day=None, day_cell=None, day_error=None, rows=[], errors=[])
    header_row = None
    data_rows = 0
    labels = _labels_in_every_language()
    for number, (formula_cells, values) in enumerate(cells, start=1):
        values = list(values)
        for index, cell in enumerate(formula_cells):
            if getattr(cell, "data_type", None) == "f" and values[index] is None:
                sheet.errors.append({"row": number, "column": get_column_letter(index + 1), "field": None,
                                     "message": _formula_error(f"{get_column_letter(index + 1)}{number}")})
        if header_row is None:
            if number > HEADER_SEARCH_ROWS:
                break
            if values and any(_norm(values[0]).startswith(label) for label in labels["date"]):
                sheet.day, sheet.day_error = _parse_day(values[1] if len(values) > 1 else None)
                sheet.day_cell = f"B{number}"
                continue
            columns = _header_map(tuple(values), labels)
            if "code" in columns:
                header_row, sheet.columns = number, columns
            continue
        row = SheetRow(number=number, code="")
        index_of = sheet.columns
        row.code = _code(values[index_of["code"] - 1]) if index_of["code"] <= len(values) else ""
        for name in INPUT_FIELDS:
            index = index_of.get(name)
            if index is not None and index <= len(values):
                row.values[name] = values[index - 1]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row.values.values()):
            continue  # nothing typed for this unit: not a report
        data_rows += 1
        if data_rows > MAX_ROWS:
            raise UploadRefused(_("Tệp có quá nhiều dòng số liệu; tối đa %(max)s dòng mỗi lần tải lên.")
                                % {"max": f"{MAX_ROWS:,}".replace(",", ".")})
        sheet.rows.append(row)
    if header_row is not None and (formulas_ws.max_row or 0) > limit:
        # Rows past the reading window would otherwise be ignored without a word.
        raise UploadRefused(_("Tệp có quá nhiều dòng; tối đa %(max)s dòng số liệu mỗi lần tải lên.")
                            % {"max": f"{MAX_ROWS:,}".replace(",", ".")})
    if header_row is None:
        raise UploadRefused(_("Không tìm thấy dòng tiêu đề có cột “%(label)s”. Hãy dùng mẫu nhập tải từ cổng.")
                            % {"label": code_label()})
    return sheet
