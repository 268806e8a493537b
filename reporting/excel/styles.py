"""The look of an official Vietnamese report: header block, table styles, print setup.

Styles are registered once per workbook as named styles, so a cell carries a
name, not its own font and border objects (the workbook stays small whatever
the number of units).
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from reporting.excel.safe import text_cell

FONT = "Times New Roman"
INT_FORMAT = "#,##0"
PCT_FORMAT = "0.00%"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
PAPER_A4 = 9

# Rows 1–7 are the header block; the table header is row 8, data start at 9.
TABLE_HEADER_ROW = 8
FIRST_DATA_ROW = TABLE_HEADER_ROW + 1

_thin = Side(style="thin", color="808080")
_box = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
_header_fill = PatternFill("solid", fgColor="DCE6F1")
_total_fill = PatternFill("solid", fgColor="F2F2F2")
_input_fill = PatternFill("solid", fgColor="FFFDE7")
_muted_fill = PatternFill("solid", fgColor="EDEDED")


def _style(name: str, *, size: int = 12, bold: bool = False, italic: bool = False, underline: str | None = None,
           horizontal: str | None = None, wrap: bool = False, number_format: str = "General",
           border: bool = False, fill: PatternFill | None = None) -> NamedStyle:
    style = NamedStyle(name=name)
    style.font = Font(name=FONT, size=size, bold=bold, italic=italic, underline=underline)
    style.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=wrap)
    style.number_format = number_format
    if border:
        style.border = _box
    if fill is not None:
        style.fill = fill
    return style


def _table_styles(prefix: str, *, bold: bool = False, fill: PatternFill | None = None) -> list[NamedStyle]:
    common = {"size": 11, "bold": bold, "border": True, "fill": fill}
    return [
        _style(f"{prefix}_text", wrap=True, **common),
        _style(f"{prefix}_center", horizontal="center", **common),
        _style(f"{prefix}_int", number_format=INT_FORMAT, **common),
        _style(f"{prefix}_pct", number_format=PCT_FORMAT, **common),
        _style(f"{prefix}_date", number_format=DATE_FORMAT, horizontal="center", **common),
        _style(f"{prefix}_datetime", number_format=DATETIME_FORMAT, horizontal="center", **common),
    ]


def styles_register(wb: Workbook) -> None:
    for style in (
        _style("bz_text"),
        _style("bz_org", bold=False, horizontal="center"),
        _style("bz_org_bold", bold=True, horizontal="center"),
        _style("bz_motto", bold=True, underline="single", horizontal="center"),
        _style("bz_place", italic=True, horizontal="center"),
        _style("bz_title", size=14, bold=True, horizontal="center"),
        _style("bz_subtitle", italic=True, horizontal="center"),
        _style("bz_note", size=11, italic=True, wrap=True),
        _style("bz_th", size=11, bold=True, horizontal="center", wrap=True, border=True, fill=_header_fill),
        _style("bz_date_input", bold=True, number_format=DATE_FORMAT, horizontal="left", fill=_input_fill),
        *_table_styles("td"),
        *_table_styles("tot", bold=True, fill=_total_fill),
        *_table_styles("in", fill=_input_fill),
        *_table_styles("na", fill=_muted_fill),
    ):
        wb.add_named_style(style)


@dataclass(frozen=True)
class Column:
    label: str
    width: float


@dataclass(frozen=True)
class HeaderTexts:
    """The lines every sheet opens with (issue 6: the form of an official report)."""

    authority: str
    agency: str
    country: str
    motto: str
    place_date: str
    title: str
    as_at_line: str


def sheet_open(
    wb: Workbook, *, title: str, columns: list[Column], header: HeaderTexts, subtitle: str,
    freeze_column: int = 1,
) -> WriteOnlyWorksheet:
    """A sheet with the header block and table header written; data rows are appended next.

    Column widths, frozen panes, print setup and print titles must be set
    before the first row in a write-only sheet, so they are all done here.
    """
    ws = wb.create_sheet(title=title)
    ncols = len(columns)
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = f"{get_column_letter(freeze_column + 1)}{FIRST_DATA_ROW}"
    _print_setup(ws)

    left = _left_block_columns(columns)
    right_start = left + 1 if ncols > 1 else 1
    first, last = get_column_letter(1), get_column_letter(ncols)
    right_first, left_last = get_column_letter(right_start), get_column_letter(left)

    def block_row(left_text: str, left_style: str, right_text: str, right_style: str) -> list:
        row = [text_cell(ws, left_text, left_style)] + [None] * (right_start - 2)
        return [*row, text_cell(ws, right_text, right_style)]

    ws.append(block_row(header.authority, "bz_org", header.country, "bz_org_bold"))
    ws.append(block_row(header.agency, "bz_org_bold", header.motto, "bz_motto"))
    ws.append(block_row("", "bz_org", header.place_date, "bz_place"))
    ws.append([text_cell(ws, header.title, "bz_title")])
    ws.append([text_cell(ws, header.as_at_line, "bz_subtitle")])
    ws.append([text_cell(ws, subtitle, "bz_subtitle")])
    ws.append([])
    for row in (1, 2, 3):
        if left > 1:
            ws.merged_cells.add(f"A{row}:{left_last}{row}")
        if ncols > right_start:
            ws.merged_cells.add(f"{right_first}{row}:{last}{row}")
    for row in (4, 5, 6):
        ws.merged_cells.add(f"{first}{row}:{last}{row}")
    ws.row_dimensions[4].height = 24
    ws.row_dimensions[TABLE_HEADER_ROW].height = row_height([(c.label, c.width) for c in columns], minimum=45)
    ws.append([text_cell(ws, c.label, "bz_th") for c in columns])
    return ws


def _left_block_columns(columns: list[Column]) -> int:
    """How many columns the issuing authority's block spans: about the left 40 % of the width."""
    total, running = sum(c.width for c in columns), 0.0
    for index, column in enumerate(columns, start=1):
        running += column.width
        if running >= 0.4 * total:
            return min(index, max(len(columns) - 1, 1))
    return 1


# Spreadsheet programs do not grow a row for wrapped text written by openpyxl (LibreOffice keeps the default
# 15 pt), so a long note would spill over the rows below when printed: each row gets the height its text needs.
LINE_HEIGHT = 15.0
CHARS_PER_WIDTH = 1.0  # characters of 11 pt Times New Roman per unit of column width, rounded down to be safe


def wrapped_lines(text: str, width: float) -> int:
    """How many lines `text` takes in a wrapping cell `width` characters wide (greedy word wrap)."""
    capacity = max(int(width * CHARS_PER_WIDTH) - 1, 1)
    lines = 0
    for paragraph in str(text).split("\n"):
        current = 0
        lines += 1
        for word in paragraph.split():
            size = len(word)
            if current and current + 1 + size > capacity:
                lines += 1
                current = 0
            while size > capacity:  # a word longer than the column is cut
                lines += 1
                size -= capacity
            current += size + (1 if current else 0)
    return max(lines, 1)


def row_height(texts: list[tuple[str, float]], *, minimum: float = LINE_HEIGHT) -> float:
    """The height of a row whose wrapping cells hold these (text, column width) pairs."""
    lines = max((wrapped_lines(text, width) for text, width in texts if text), default=1)
    return max(minimum, lines * LINE_HEIGHT + 2)


def note_rows(ws: WriteOnlyWorksheet, *, first_row: int, notes: list[str], columns: list[Column]) -> None:
    """Footnotes under a table, merged across its width and tall enough to read."""
    width = sum(c.width for c in columns)
    last = get_column_letter(len(columns))
    for offset, note in enumerate(notes):
        row = first_row + offset
        ws.row_dimensions[row].height = row_height([(note, width)])
        ws.append([text_cell(ws, note, "bz_note")])
        ws.merged_cells.add(f"A{row}:{last}{row}")


def _print_setup(ws: WriteOnlyWorksheet) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER_A4
    # Fit every column on the page width; as many pages down as needed.
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    # The table header repeats on every printed page.
    ws.print_title_rows = f"{TABLE_HEADER_ROW}:{TABLE_HEADER_ROW}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.oddFooter.center.font = FONT


def table_filter(ws: WriteOnlyWorksheet, *, ncols: int, last_row: int) -> None:
    """Autofilter over the table header and its rows (set after the rows are known)."""
    ws.auto_filter.ref = f"A{TABLE_HEADER_ROW}:{get_column_letter(ncols)}{max(last_row, TABLE_HEADER_ROW)}"
