"""Sheet 1 of the daily workbook: the figures the People's Committee reads first."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook

from reporting.excel.data import DailyReportData
from reporting.excel.export_sheets import Table
from reporting.excel.styles import Column, HeaderTexts, sheet_open
from reporting.progress import targets
from reporting.progress.figures import campaign_trajectory, latest_values
from reporting.progress.selectors import assisted_by_sector
from reporting.watch.compliance import EXCUSED, LATE, MISSING, NOT_YET
from units.models import AgencyGroup


def _fmt(day) -> str:
    return day.strftime("%d/%m/%Y")


class _Rows:
    """Numbered label/value/remark rows under roman-numbered sections."""

    def __init__(self, table: Table):
        self.t, self.section, self.number = table, 0, 0

    def heading(self, text: str) -> None:
        self.section += 1
        roman = ("I", "II", "III", "IV", "V", "VI")[self.section - 1]
        self.t.add([self.t.c(roman, "tot"), self.t.t(text, "tot"), self.t.t("", "tot"), self.t.t("", "tot")])

    def add(self, label: str, value, kind: str = "int", remark: str = "") -> None:
        self.number += 1
        t = self.t
        if value is None or kind == "text":
            cell = t.c("" if value is None else value)
        else:
            cell = {"int": t.n, "pct": t.p, "date": t.d}[kind](value)
        t.add([t.c(self.number), t.t(label), cell, t.t(remark)])


def _population_rows(rows: _Rows, data: DailyReportData) -> None:
    campaign, day = data.campaign, data.moment.day
    target_rate = float(campaign.population_target_rate)
    trajectory = campaign_trajectory(campaign=campaign, day=day)
    progress, root = data.progress, data.scope.root
    if progress is not None:
        population, installed, rate = root.population, progress.province.installed, progress.province.rate
        leaves, stale, required = progress.province.leaves, progress.province.stale_leaves, progress.required_daily
        days_left = progress.days_left
    elif data.root_row is not None:
        row = data.root_row
        population, installed, rate, leaves, stale = row.population, row.installed, row.rate, row.leaves, row.stale_leaves
        required, days_left = row.required_daily, targets.days_left(day=day, target_date=campaign.target_date)
    else:
        return
    goal = targets.target_count(target_rate=campaign.population_target_rate, denominator=population) \
        if population else None
    rows.heading(_("Kết quả cài đặt trong dân (%(unit)s)") % {"unit": root.name})
    rows.add(_("Dân số (người)"), population, remark=_("Tổng điều tra dân số 2019") if population else
             _("Chưa có số liệu dân số"))
    if progress is not None:
        official_note = _("Chưa có số liệu chính thức") if progress.official_installed is None else (
            _("Số liệu ngày %(date)s") % {"date": _fmt(progress.official_date)})
        rows.add(_("Số người đã cài đặt — số liệu chính thức của Bộ Thông tin và Truyền thông"),
                 progress.official_installed, remark=official_note)
        rows.add(_("Tỷ lệ cài đặt — số liệu chính thức"), progress.official_rate, "pct")
    rows.add(_("Số người đã cài đặt — tổng hợp từ báo cáo của các xã, phường, thị trấn"), installed)
    rows.add(_("Tỷ lệ cài đặt — tổng hợp từ báo cáo"), rate, "pct")
    rows.add(_("Mục tiêu đến ngày %(date)s") % {"date": _fmt(campaign.target_date)}, target_rate, "pct")
    rows.add(_("Số người cần cài đặt để đạt mục tiêu"), goal)
    rows.add(_("Còn thiếu so với mục tiêu"), None if goal is None else max(goal - installed, 0),
             remark=_("Theo tổng hợp từ báo cáo"))
    lagging = targets.is_lagging(rate_value=rate, trajectory=trajectory)
    rows.add(_("Tỷ lệ theo lộ trình ngày %(date)s") % {"date": _fmt(day)}, trajectory, "pct",
             remark=_("Đang chậm so với lộ trình") if lagging else (_("Đạt lộ trình") if rate is not None else ""))
    rows.add(_("Số ngày còn lại đến ngày mục tiêu"), days_left)
    rows.add(_("Số người cần cài đặt thêm mỗi ngày"), required)
    if data.projection is not None:
        projection = data.projection
        rows.add(_("Tốc độ bình quân 3 ngày gần nhất (người/ngày)"), round(projection.daily_pace))
        if projection.projected_date is None:
            rows.add(_("Ngày dự kiến đạt mục tiêu"), _("Chưa xác định"), "text",
                     remark=_("Với tốc độ hiện tại chưa thể đạt mục tiêu"))
        else:
            rows.add(_("Ngày dự kiến đạt mục tiêu"), projection.projected_date, "date",
                     remark=_("Kịp ngày mục tiêu") if projection.reaches_target_in_time else
                     _("Không kịp ngày mục tiêu"))
    rows.add(_("Số xã, phường, thị trấn chưa có báo cáo ngày %(date)s") % {"date": _fmt(day)}, stale,
             remark=_("Trên tổng số %(n)s; dùng số liệu gần nhất của các đơn vị này") % {"n": leaves})


def _staff_rows(rows: _Rows, data: DailyReportData) -> None:
    if not data.staff:
        return
    total = sum((r.staff_total or 0) + (r.family_total or 0) for r in data.staff)
    installed = sum(r.staff_installed + r.family_installed for r in data.staff)
    meeting = sum(1 for r in data.staff if r.meets_target)
    rows.heading(_("Cán bộ, công chức, viên chức, người lao động và người thân (mục tiêu 100 %)"))
    rows.add(_("Tổng số cán bộ, công chức, viên chức, người lao động và người thân"), total)
    rows.add(_("Số đã cài đặt"), installed)
    rows.add(_("Tỷ lệ cài đặt"), targets.rate(installed, total), "pct",
             remark=_("Số đơn vị đạt 100 %%: %(n)s/%(of)s (chi tiết tại Biểu 4)") % {"n": meeting,
                                                                                    "of": len(data.staff)})


def _compliance_rows(rows: _Rows, data: DailyReportData) -> None:
    counts, day, deadline = data.compliance, data.moment.day, data.campaign.deadline
    rows.heading(_("Tình hình báo cáo ngày %(date)s (hạn %(h)s giờ %(m)s)") % {
        "date": _fmt(day), "h": f"{deadline.hour:02d}", "m": f"{deadline.minute:02d}"})
    rows.add(_("Số đơn vị phải báo cáo hằng ngày"), counts["due"])
    rows.add(_("Báo cáo đúng hạn"), counts["on_time"])
    rows.add(_("Báo cáo trễ hạn"), counts[LATE])
    rows.add(_("Chưa báo cáo"), counts[MISSING] + counts[NOT_YET],
             remark=_("Chưa đến hạn báo cáo") if counts[NOT_YET] else _("Danh sách tại Biểu 5"))
    rows.add(_("Được miễn báo cáo"), counts[EXCUSED])


def _assisted_rows(rows: _Rows, data: DailyReportData) -> None:
    day, as_at = data.moment.day, data.moment.as_at
    rows.heading(_("Số người được hỗ trợ cài đặt (mục 2–7 Công văn 1747/UBND-NCTH)"))
    if data.scope.whole_province:
        labels = dict(AgencyGroup.choices) | {"territory": _("Các huyện, xã, phường, thị trấn")}
        sectors = assisted_by_sector(campaign=data.campaign, day=day, as_at=as_at)
        for key, value in sectors.items():
            rows.add(str(labels.get(key, key)), value)
        rows.add(_("Cộng"), sum(sectors.values()))
    else:
        latest = latest_values(units=data.scope.units.exclude(kind="province"), day=day, as_at=as_at)
        rows.add(_("Cộng"), sum(v.assisted_installs or 0 for v in latest.values()))


def summary_sheet(wb: Workbook, *, title: str, header: HeaderTexts, data: DailyReportData) -> None:
    columns = [Column(_("STT"), 6), Column(_("Nội dung"), 62), Column(_("Số liệu"), 16), Column(_("Ghi chú"), 44)]
    ws = sheet_open(wb, title=title, columns=columns, header=header, freeze_column=0,
                    subtitle=_("Biểu 1. Tổng hợp chung — Phạm vi: %(unit)s") % {"unit": data.scope.root.name})
    t = Table(ws, columns)
    rows = _Rows(t)
    _population_rows(rows, data)
    _staff_rows(rows, data)
    _compliance_rows(rows, data)
    _assisted_rows(rows, data)
    t.close(empty_note="")
