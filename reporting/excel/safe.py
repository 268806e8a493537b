"""Cells that can never turn into formulas, and text openpyxl will accept.

Spreadsheet programs run a cell that starts with =, +, - or @ (and some also
after a leading tab or carriage return) as a formula. Every text the portal
writes (unit names, notes, reasons, usernames) goes through `text_cell`, which
stores it as a string cell; risky ones also get the quote prefix, so editing
the cell in Excel or LibreOffice keeps it text. Counts go through `number_cell`
and stay numeric.
"""

from __future__ import annotations

import datetime as dt
from copy import copy

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32_000  # Excel keeps at most 32,767 characters in a cell


def clean_text(value: object) -> str:
    """Text without the control characters the xlsx format cannot hold."""
    text = "" if value is None else str(value)
    return ILLEGAL_CHARACTERS_RE.sub("", text)[:MAX_CELL_TEXT]


def is_risky(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def _styled(ws: WriteOnlyWorksheet, value: object, style: str) -> WriteOnlyCell:
    """A cell with a registered named style.

    Looking a named style up by name costs a scan of the workbook's styles;
    on tens of thousands of cells that dominates, so each style's array is
    resolved once per workbook and copied.
    """
    cache = ws.parent.__dict__.setdefault("_bz_style_arrays", {})
    array = cache.get(style)
    if array is None:
        probe = WriteOnlyCell(ws)
        probe.style = style
        array = cache[style] = probe._style
    cell = WriteOnlyCell(ws, value=value)
    cell._style = copy(array)
    return cell


def text_cell(ws: WriteOnlyWorksheet, value: object, style: str = "bz_text") -> WriteOnlyCell:
    text = clean_text(value)
    cell = _styled(ws, text, style)
    # openpyxl marks "=..." as a formula on assignment; force a string cell.
    cell.data_type = "s"
    if is_risky(text):
        cell.quotePrefix = True
    return cell


def number_cell(ws: WriteOnlyWorksheet, value: int | float | None, style: str = "bz_int") -> WriteOnlyCell:
    return _styled(ws, value, style)


def date_cell(ws: WriteOnlyWorksheet, value: dt.date | dt.datetime | None, style: str = "bz_date") -> WriteOnlyCell:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        raise ValueError("convert to local naive time before writing")  # xlsx has no time zones
    return _styled(ws, value, style)
