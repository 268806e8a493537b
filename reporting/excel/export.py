"""The daily Excel report for the People's Committee (issue 6), written sheet by sheet.

Every number comes from the dashboard selectors for the same day and `as_at`,
so the workbook, the dashboards and `/api/v1/progress/` agree. The workbook is
write-only: each row is serialised as it is appended and nothing per cell is
kept, so memory does not grow with the number of units; the finished file is
spooled to a temporary file and streamed.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from typing import IO

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from reporting.excel.data import AS_AT_DEADLINE, DailyReportData, ExportMoment, ExportScope, missing_and_late
from reporting.excel.export_quality import quality_sheet
from reporting.excel.export_sheets import (
    agencies_sheet,
    communes_sheet,
    corrections_sheet,
    districts_sheet,
    late_sheet,
    trend_sheet,
)
from reporting.excel.export_summary import summary_sheet
from reporting.excel.styles import HeaderTexts, styles_register
from reporting.progress.figures import province_progress
from reporting.progress.selectors import (
    TerritoryRow,
    TrendPoint,
    commune_table,
    district_table,
    province_projection,
    province_trend,
    staff_table,
)
from reporting.progress.source import figure_source
from units.models import Campaign

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPOOL_BYTES = 4 * 1024 * 1024


def _in_scope(rows: list[TerritoryRow], scope: ExportScope) -> list[TerritoryRow]:
    return [r for r in rows if scope.covers(r.unit)]


def daily_report_read(*, campaign: Campaign, scope: ExportScope, moment: ExportMoment) -> DailyReportData:
    day, as_at, root = moment.day, moment.as_at, scope.root
    # The table or the reports, chosen once for the whole workbook (issue 15).
    source = figure_source(campaign=campaign, as_at=as_at)
    progress = province_progress(campaign=campaign, day=day, as_at=as_at, source=source)
    by_code = sorted(
        _in_scope(district_table(campaign=campaign, day=day, as_at=as_at, progress=progress, source=source),
                  scope),
        key=lambda r: r.unit.code,
    )
    root_row = None
    if root.is_leaf_territory:
        rows = commune_table(campaign=campaign, district=root, day=day, as_at=as_at)
        root_row = rows[0] if rows else None
    elif root.is_district:
        root_row = next((r for r in by_code if r.unit.pk == root.pk), None)
    trend: list[TrendPoint] = []
    if scope.whole_province:
        staff = staff_table(campaign=campaign, day=day, as_at=as_at)
        trend = province_trend(campaign=campaign, until=day, as_at=as_at, source=source)
        projection = province_projection(campaign=campaign, trend=trend)
    else:
        staffed = scope.units.exclude(kind="province").filter(
            Q(kind="agency") | Q(staff_total__isnull=False) | Q(family_total__isnull=False)
        )
        staff = staff_table(campaign=campaign, day=day, units=staffed, as_at=as_at)
        projection = None
    compliance, late = missing_and_late(campaign=campaign, scope=scope, moment=moment)
    return DailyReportData(
        campaign=campaign, scope=scope, moment=moment, progress=progress if scope.whole_province else None,
        districts=by_code, staff=staff, projection=projection,
        compliance=compliance, late=late, root_row=root_row, trend=trend, source=source,
    )


def _hm(value: dt.time | dt.datetime) -> dict[str, str]:
    return {"h": f"{value.hour:02d}", "m": f"{value.minute:02d}"}


def as_at_line(*, campaign: Campaign, moment: ExportMoment) -> str:
    """"Số liệu tính đến 15 giờ 00 ngày dd/mm/yyyy", or the instant the live figures were read."""
    fmt = "%d/%m/%Y"
    if moment.mode == AS_AT_DEADLINE and not moment.before_deadline:
        return _("Số liệu tính đến %(h)s giờ %(m)s ngày %(date)s") % {
            **_hm(campaign.deadline), "date": moment.day.strftime(fmt)}
    at = timezone.localtime(moment.now, campaign.zone)
    line = _("Số liệu cập nhật lúc %(h)s giờ %(m)s ngày %(date)s") % {**_hm(at), "date": at.strftime(fmt)}
    if at.date() != moment.day:
        line += " " + _("(số liệu của ngày %(date)s)") % {"date": moment.day.strftime(fmt)}
    if moment.mode == AS_AT_DEADLINE:
        line += " " + _("— chưa đến hạn báo cáo %(h)s giờ %(m)s") % _hm(campaign.deadline)
    return line


def place_date(day: dt.date) -> str:
    # Official documents write days below 10 and months below 3 with a leading zero.
    return _("Hậu Giang, ngày %(d)s tháng %(m)s năm %(y)s") % {
        "d": f"{day.day:02d}", "m": f"{day.month:02d}" if day.month < 3 else str(day.month), "y": day.year,
    }


def header_texts(*, campaign: Campaign, moment: ExportMoment) -> HeaderTexts:
    return HeaderTexts(
        authority=_("UBND TỈNH HẬU GIANG"),
        agency=_("SỞ THÔNG TIN VÀ TRUYỀN THÔNG"),
        country=_("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        motto=_("Độc lập - Tự do - Hạnh phúc"),
        place_date=place_date(moment.day),
        title=_("BÁO CÁO KẾT QUẢ CÀI ĐẶT ỨNG DỤNG BLUEZONE"),
        as_at_line=as_at_line(campaign=campaign, moment=moment),
    )


def sheet_titles(campaign: Campaign) -> list[str]:
    """Sheet names in workbook order (at most 31 characters each, as Excel requires)."""
    return [
        _("Tổng hợp"),
        _("Huyện, thị xã, thành phố"),
        _("Xã, phường, thị trấn"),
        _("Cơ quan, đơn vị"),
        _("Chưa báo cáo, trễ hạn"),
        _("Diễn biến theo ngày"),
        _("Cập nhật sau %(h)s giờ") % {"h": campaign.deadline.hour},
        _("Cảnh báo số liệu"),
    ]


def daily_workbook_write(*, campaign: Campaign, scope: ExportScope, moment: ExportMoment, out: IO[bytes]) -> None:
    """Write the whole workbook to `out` (a binary file object)."""
    data = daily_report_read(campaign=campaign, scope=scope, moment=moment)
    wb = Workbook(write_only=True)
    styles_register(wb)
    wb.properties.creator = _("Sở Thông tin và Truyền thông Hậu Giang")
    wb.properties.title = _("BÁO CÁO KẾT QUẢ CÀI ĐẶT ỨNG DỤNG BLUEZONE")
    header = header_texts(campaign=campaign, moment=moment)
    titles = sheet_titles(campaign)
    writers = (summary_sheet, districts_sheet, communes_sheet, agencies_sheet, late_sheet, trend_sheet,
               corrections_sheet, quality_sheet)
    for title, writer in zip(titles, writers, strict=True):
        writer(wb, title=title, header=header, data=data)
    wb.save(out)


def daily_workbook_file(*, campaign: Campaign, scope: ExportScope, moment: ExportMoment) -> IO[bytes]:
    """The workbook in a spooled temporary file, rewound, ready to stream."""
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # the response closes it
    daily_workbook_write(campaign=campaign, scope=scope, moment=moment, out=out)
    out.seek(0)
    return out


def daily_workbook_filename(*, campaign: Campaign, moment: ExportMoment) -> str:
    stamp = (f"{campaign.deadline.hour:02d}h{campaign.deadline.minute:02d}"
             if moment.mode == AS_AT_DEADLINE and not moment.before_deadline
             else "cap-nhat-" + timezone.localtime(moment.now, campaign.zone).strftime("%Y%m%d-%H%M"))
    return f"bao-cao-bluezone-{moment.day.isoformat()}-{stamp}.xlsx"


