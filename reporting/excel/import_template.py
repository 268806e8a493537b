"""The import template: the units the caller may write under a parent, ready to fill.

Input columns are yellow (grey where a field does not apply to the unit) and
hold that day's report when there is one, so a correction is an edit; the
last known values sit on the right for reference. The header texts are the
ones import_sheet looks for.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from typing import IO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from reporting.excel.import_sheet import code_label, date_label, input_labels
from reporting.excel.safe import date_cell, number_cell, text_cell
from reporting.excel.styles import FIRST_DATA_ROW, TABLE_HEADER_ROW, styles_register
from reporting.intake.validation import field_label, fields_for_unit
from reporting.models import COUNT_FIELDS, DailyReport
from reporting.progress.figures import latest_values
from units.access import units_writable_by
from units.models import Unit, User

FIRST_INPUT_COLUMN = 4  # D: residents_installed, as the error messages refer to it


def template_units(*, user: User, parent: Unit):
    return units_writable_by(user=user).filter(path__startswith=parent.path).order_by("path")


def template_scope(*, user: User, parent: Unit, count: int) -> str:
    """Who the template lists and why, so a one-row template does not look like a fault."""
    head = _("Đơn vị: %(unit)s (mã %(code)s).") % {"unit": parent.name, "code": parent.code}
    if parent.is_province and not user.unit_id:
        return head + " " + _("Sở Thông tin và Truyền thông chỉ nhập số liệu chính thức của toàn tỉnh, nên mẫu chỉ "
                              "có dòng của tỉnh; các huyện, xã và cơ quan tự nhập số liệu của mình.")
    return head + " " + _("Mẫu liệt kê %(count)s đơn vị bạn được nhập: đơn vị này và các đơn vị trực thuộc.") % {
        "count": count}


def _columns() -> list[tuple[str, float]]:
    labels = input_labels()
    return [
        (code_label(), 12), (_("Tên đơn vị"), 30), (_("Ngày của số liệu gần nhất"), 13),
        *[(labels[name], 14) for name in COUNT_FIELDS],
        (labels["note"], 30), (labels["late_reason"], 30),
        *[(_("%(label)s (số liệu gần nhất)") % {"label": field_label(name)}, 14) for name in COUNT_FIELDS],
    ]


def import_template_write(*, user: User, parent: Unit, day: dt.date, out: IO[bytes]) -> int:
    """Write the template to `out`; returns the number of units listed."""
    units = template_units(user=user, parent=parent)
    latest = latest_values(units=units, day=day)
    reports = {r.unit_id: r for r in DailyReport.objects.filter(unit__in=units, date=day)}
    wb = Workbook(write_only=True)
    styles_register(wb)
    ws = wb.create_sheet(title=_("Nhập số liệu"))
    columns = _columns()
    for index, (_label, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = f"C{FIRST_DATA_ROW}"
    last = get_column_letter(len(columns))
    ws.append([text_cell(ws, _("MẪU NHẬP SỐ LIỆU CÀI ĐẶT ỨNG DỤNG BLUEZONE"), "bz_title")])
    ws.append([text_cell(ws, template_scope(user=user, parent=parent, count=units.count()), "bz_subtitle")])
    ws.append([text_cell(ws, _("Nhập số liệu cộng dồn đến ngày báo cáo vào các ô màu vàng; ô màu xám không áp dụng "
                               "cho đơn vị. Ô để trống giữ số liệu trước đó (không tính là 0); để trống cả dòng nếu "
                               "đơn vị chưa có số liệu mới."), "bz_note")])
    ws.append([text_cell(ws, _("Mỗi dòng thay thế toàn bộ báo cáo của đơn vị trong ngày đó. Không sửa mã đơn vị "
                               "và tiêu đề cột. Tải tệp lên tại trang “Nhập Excel” của cổng."), "bz_note")])
    ws.append([])
    ws.append([text_cell(ws, date_label(), "bz_org_bold"), date_cell(ws, day, "bz_date_input")])
    ws.append([])
    for row in (1, 2, 3, 4):
        ws.merged_cells.add(f"A{row}:{last}{row}")
    ws.row_dimensions[TABLE_HEADER_ROW].height = 60
    ws.append([text_cell(ws, label, "bz_th") for label, _width in columns])

    count = 0
    for unit in units.iterator(chunk_size=500):
        allowed = fields_for_unit(unit)
        report, known = reports.get(unit.pk), latest.get(unit.pk)
        inputs = []
        for name in COUNT_FIELDS:
            if name in allowed:
                inputs.append(number_cell(ws, getattr(report, name) if report else None, "in_int"))
            else:
                inputs.append(number_cell(ws, None, "na_int"))
        ws.append([
            text_cell(ws, unit.code, "td_center"), text_cell(ws, unit.name, "td_text"),
            date_cell(ws, known.date if known else None, "td_date"), *inputs,
            text_cell(ws, report.note if report else "", "in_text"),
            text_cell(ws, report.late_reason if report else "", "in_text"),
            *[number_cell(ws, getattr(known, name) if known else None, "na_int") for name in COUNT_FIELDS],
        ])
        count += 1
    if count:
        last_row = FIRST_DATA_ROW + count - 1
        counts = DataValidation(
            type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True, showErrorMessage=True,
            errorTitle=_("Số liệu không hợp lệ"), error=_("Chỉ nhập số nguyên không âm."),
        )
        first_input, last_input = get_column_letter(FIRST_INPUT_COLUMN), get_column_letter(FIRST_INPUT_COLUMN + 3)
        counts.add(f"{first_input}{FIRST_DATA_ROW}:{last_input}{last_row}")
        ws.data_validations.append(counts)
        ws.auto_filter.ref = f"A{TABLE_HEADER_ROW}:{last}{last_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = f"{TABLE_HEADER_ROW}:{TABLE_HEADER_ROW}"
    wb.save(out)
    return count


def import_template_file(*, user: User, parent: Unit, day: dt.date) -> IO[bytes]:
    out = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # the response closes it
    import_template_write(user=user, parent=parent, day=day, out=out)
    out.seek(0)
    return out


def import_template_filename(*, parent: Unit, day: dt.date) -> str:
    safe_code = "".join(ch for ch in parent.code if ch.isalnum() or ch in "-_")[:20] or "don-vi"
    return f"mau-nhap-bluezone-{safe_code}-{day.isoformat()}.xlsx"
