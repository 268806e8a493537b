"""The table sheets of the daily workbook: districts, communes, agencies, late units, trend, corrections."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from reporting.excel.data import AS_AT_DEADLINE, DailyReportData, corrections_after_deadline
from reporting.excel.safe import date_cell, number_cell, text_cell
from reporting.excel.styles import (
    LINE_HEIGHT,
    TABLE_HEADER_ROW,
    Column,
    HeaderTexts,
    note_rows,
    row_height,
    sheet_open,
    table_filter,
)
from reporting.intake.validation import field_label
from reporting.models import COUNT_FIELDS, Channel
from reporting.progress import targets
from reporting.progress.figures import campaign_trajectory, territory_figures
from reporting.progress.selectors import TerritoryRow, reports_count_by_day
from reporting.watch.compliance import EXCUSED, LATE, MISSING, NOT_YET, compliance_statuses, status_label, units_due
from units.models import AgencyGroup, Unit

# The one status vocabulary (reporting.watch.compliance), as every page shows it.


class Table:
    """Appends styled rows below the table header and remembers the last row for the autofilter."""

    def __init__(self, ws: WriteOnlyWorksheet, columns: list[Column]):
        self.ws, self.columns, self.ncols = ws, columns, len(columns)
        self.last_row, self.rows = TABLE_HEADER_ROW, 0

    def add(self, cells: list) -> None:
        wrapping = [(cell.value, column.width) for cell, column in zip(cells, self.columns, strict=False)
                    if isinstance(getattr(cell, "value", None), str) and str(getattr(cell, "style", "")).endswith("_text")]
        height = row_height(wrapping)
        if height > LINE_HEIGHT:  # set before the row is written: the sheet is write-only
            self.ws.row_dimensions[self.last_row + 1].height = height
        self.ws.append(cells)
        self.last_row += 1
        self.rows += 1

    def t(self, value, kind: str = "td"):
        return text_cell(self.ws, value, f"{kind}_text")

    def c(self, value, kind: str = "td"):
        """Centred: numbers (row numbers, counts of days) stay numbers, anything else is text."""
        if isinstance(value, int) and not isinstance(value, bool):
            return number_cell(self.ws, value, f"{kind}_center")
        return text_cell(self.ws, value, f"{kind}_center")

    def n(self, value, kind: str = "td"):
        return number_cell(self.ws, value, f"{kind}_int")

    def p(self, value, kind: str = "td"):
        return number_cell(self.ws, value, f"{kind}_pct")

    def d(self, value, kind: str = "td"):
        return date_cell(self.ws, value, f"{kind}_date")

    def ts(self, value: dt.datetime | None, zone, kind: str = "td"):
        local = timezone.localtime(value, zone).replace(tzinfo=None) if value is not None else None
        return date_cell(self.ws, local, f"{kind}_datetime")

    def close(self, *, empty_note: str, notes: list[str] = ()) -> None:
        """Autofilter over what was written; say so when there is nothing to list."""
        last_table_row = self.last_row
        if self.rows == 0:
            # Merged across the table: as tall as the note needs at the table's whole width.
            self.ws.row_dimensions[self.last_row + 1].height = row_height(
                [(empty_note, sum(c.width for c in self.columns))])
            self.ws.append([self.t(empty_note), *[self.t("") for _i in range(self.ncols - 1)]])
            self.last_row += 1
            self.rows += 1
            last_table_row = self.last_row
            self.ws.merged_cells.add(f"A{last_table_row}:{get_column_letter(self.ncols)}{last_table_row}")
        table_filter(self.ws, ncols=self.ncols, last_row=last_table_row)
        if notes:
            self.ws.append([])
            note_rows(self.ws, first_row=self.last_row + 2, notes=list(notes), columns=self.columns)


def _scope_name(data: DailyReportData) -> str:
    return _("Phạm vi: %(unit)s") % {"unit": data.scope.root.name}


def _open(wb: Workbook, title: str, header: HeaderTexts, data: DailyReportData, subtitle: str,
          columns: list[Column], freeze_column: int = 2) -> Table:
    ws = sheet_open(wb, title=title, columns=columns, header=header,
                    subtitle=f"{subtitle} — {_scope_name(data)}", freeze_column=freeze_column)
    return Table(ws, columns)


def _territory_columns(first: str, rank: str) -> list[Column]:
    return [
        Column(_("STT"), 6), Column(first, 28), Column(_("Dân số"), 12), Column(_("Số người đã cài đặt"), 13),
        Column(_("Tỷ lệ cài đặt"), 10), Column(_("Tăng so với ngày trước"), 12),
        Column(_("Chỉ tiêu 30 % (số người)"), 13), Column(_("Còn thiếu so với chỉ tiêu"), 13),
        Column(_("Cần cài thêm mỗi ngày"), 12), Column(rank, 9),
    ]


def _territory_cells(t: Table, row: TerritoryRow, *, number, name: str, rank: int | None, kind: str = "td") -> list:
    return [
        t.c(number, kind), t.t(name, kind), t.n(row.population, kind), t.n(row.installed, kind), t.p(row.rate, kind),
        t.n(row.change, kind), t.n(row.target_count, kind), t.n(row.shortfall, kind), t.n(row.required_daily, kind),
        t.n(rank, kind),
    ]


def districts_sheet(wb: Workbook, *, title: str, header: HeaderTexts, data: DailyReportData) -> None:
    columns = [*_territory_columns(_("Huyện, thị xã, thành phố"), _("Xếp hạng")),
               Column(_("Số xã, phường, thị trấn"), 11), Column(_("Báo cáo đúng hạn"), 11),
               Column(_("Chưa có báo cáo trong ngày"), 11), Column(_("Dưới lộ trình"), 9)]
    t = _open(wb, title, header, data, _("Biểu 2. Kết quả theo huyện, thị xã, thành phố"), columns)
    for i, row in enumerate(data.districts, start=1):
        t.add([*_territory_cells(t, row, number=i, name=row.unit.name, rank=row.rank),
               t.n(row.leaves), t.n(row.on_time_leaves), t.n(row.stale_leaves), t.c(_("Có") if row.lagging else "")])
    notes = []
    progress = data.progress
    if progress is not None:
        total, root = progress.province, data.campaign.root
        goal = targets.target_count(target_rate=data.campaign.population_target_rate, denominator=root.population) \
            if root.population else None
        t.add([t.c("", "tot"), t.t(_("Toàn tỉnh (tổng hợp từ báo cáo)"), "tot"), t.n(root.population, "tot"),
               t.n(total.installed, "tot"), t.p(total.rate, "tot"), t.n(sum(r.change for r in data.districts), "tot"),
               t.n(goal, "tot"), t.n(None if goal is None else max(goal - total.installed, 0), "tot"),
               t.n(progress.required_daily, "tot"), t.n(None, "tot"), t.n(total.leaves, "tot"),
               t.n(sum(r.on_time_leaves for r in data.districts), "tot"), t.n(total.stale_leaves, "tot"),
               t.c(_("Có") if total.lagging else "", "tot")])
        t.add([t.c("", "tot"), t.t(_("Toàn tỉnh (số liệu chính thức của Bộ TT&TT)"), "tot"),
               t.n(root.population, "tot"), t.n(progress.official_installed, "tot"), t.p(progress.official_rate, "tot"),
               *[t.n(None, "tot") for _i in range(9)]])
        notes.append(_("Dân số cấp huyện và toàn tỉnh theo Tổng điều tra dân số 2019; tỷ lệ lộ trình ngày %(date)s: "
                       "%(rate)s %%.") % {"date": data.moment.day.strftime("%d/%m/%Y"),
                                          "rate": f"{progress.trajectory_rate * 100:.2f}".replace(".", ",")})
    t.close(empty_note=_("Không có huyện, thị xã, thành phố nào trong phạm vi này."), notes=notes)


def communes_sheet(wb: Workbook, *, title: str, header: HeaderTexts, data: DailyReportData) -> None:
    columns = [*_territory_columns(_("Xã, phường, thị trấn"), _("Xếp hạng trong huyện")),
               Column(_("Mã đơn vị"), 9), Column(_("Báo cáo ngày"), 14), Column(_("Ghi chú"), 26)]
    t = _open(wb, title, header, data, _("Biểu 3. Kết quả theo xã, phường, thị trấn, theo từng huyện"), columns)
    day = data.moment.day
    statuses = compliance_statuses(campaign=data.campaign, units=units_due(within=data.scope.units.leaves()),
                                   days=[day], as_at=data.moment.known_at)
    roman = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV")
    for index, (district_row, rows) in enumerate(data.communes()):
        if district_row is not None:
            label = roman[index] if index < len(roman) else str(index + 1)
            t.add([*_territory_cells(t, district_row, number=label, name=district_row.unit.name, rank=None, kind="tot"),
                   t.c(district_row.unit.code, "tot"), t.t("", "tot"), t.t(_("Cộng %(n)s xã, phường, thị trấn")
                                                                         % {"n": district_row.leaves}, "tot")])
        for i, row in enumerate(sorted(rows, key=lambda r: r.unit.code), start=1):
            # The compliance status, as every page shows it (an excused commune reads "excused" here too).
            status = statuses.get((row.unit.pk, day))
            status = status_label(status) if status else ""
            remarks = []
            if row.stale_leaves:
                remarks.append(_("Chưa có báo cáo ngày %(date)s; dùng số liệu gần nhất.") % {
                    "date": day.strftime("%d/%m/%Y")})
            if row.population is None:
                remarks.append(_("Chưa có số liệu dân số."))
            t.add([*_territory_cells(t, row, number=i, name=row.unit.name, rank=row.rank), t.c(row.unit.code),
                   t.c(status), t.t(" ".join(remarks))])
    t.close(empty_note=_("Không có xã, phường, thị trấn nào trong phạm vi này."), notes=[
        _("Tỷ lệ của xã, phường, thị trấn chỉ tính khi có số liệu dân số; số liệu cấp huyện là tổng của các "
          "xã, phường, thị trấn, chia cho dân số của huyện (Tổng điều tra 2019)."),
    ])


def agencies_sheet(wb: Workbook, *, title: str, header: HeaderTexts, data: DailyReportData) -> None:
    columns = [
        Column(_("STT"), 6), Column(_("Cơ quan, đơn vị"), 30), Column(_("Mã đơn vị"), 9),
        Column(_("Tổng số cán bộ, công chức, viên chức, người lao động"), 13), Column(_("Số cán bộ đã cài đặt"), 12),
        Column(_("Tỷ lệ cán bộ"), 10), Column(_("Tổng số người thân"), 12), Column(_("Số người thân đã cài đặt"), 12),
        Column(_("Tỷ lệ người thân"), 10), Column(_("Tỷ lệ chung"), 10), Column(_("Đạt mục tiêu 100 %"), 10),
        Column(_("Số người được hỗ trợ cài đặt"), 12), Column(_("Báo cáo gần nhất"), 12),
    ]
    t = _open(wb, title, header, data, _("Biểu 4. Cán bộ, công chức, viên chức, người lao động và người thân "
                                         "(mục tiêu 100 %)"), columns)
    totals = [0, 0, 0, 0, 0]
    group = None
    for i, row in enumerate(data.staff, start=1):
        if data.scope.whole_province and row.unit.group != group:
            group = row.unit.group
            label = AgencyGroup(group).label if group else _("Khác")
            t.add([t.c("", "tot"), t.t(label, "tot"), *[t.t("", "tot") for _i in range(11)]])
        t.add([t.c(i), t.t(row.unit.name), t.c(row.unit.code), t.n(row.staff_total), t.n(row.staff_installed),
               t.p(targets.rate(row.staff_installed, row.staff_total)), t.n(row.family_total),
               t.n(row.family_installed), t.p(targets.rate(row.family_installed, row.family_total)), t.p(row.rate),
               t.c(_("Đạt") if row.meets_target else _("Chưa đạt")), t.n(row.assisted_installs), t.d(row.last_report)])
        for k, value in enumerate((row.staff_total, row.staff_installed, row.family_total, row.family_installed,
                                   row.assisted_installs)):
            totals[k] += value or 0
    if data.staff:
        staff_total, staff, family_total, family, assisted = totals
        t.add([t.c("", "tot"), t.t(_("Tổng cộng"), "tot"), t.t("", "tot"), t.n(staff_total, "tot"), t.n(staff, "tot"),
               t.p(targets.rate(staff, staff_total), "tot"), t.n(family_total, "tot"), t.n(family, "tot"),
               t.p(targets.rate(family, family_total), "tot"),
               t.p(targets.rate(staff + family, staff_total + family_total), "tot"), t.t("", "tot"),
               t.n(assisted, "tot"), t.t("", "tot")])
    t.close(empty_note=_("Không có cơ quan, đơn vị nào trong phạm vi này."))


def late_sheet(wb: Workbook, *, title: str, header: HeaderTexts, data: DailyReportData) -> None:
    columns = [
        Column(_("STT"), 6), Column(_("Đơn vị"), 30), Column(_("Mã đơn vị"), 9), Column(_("Thuộc"), 22),
        Column(_("Tình trạng"), 16), Column(_("Nộp lần đầu lúc"), 16), Column(_("Số ngày liên tiếp không báo cáo "
                                                                               "đúng hạn"), 13),
        Column(_("Lý do"), 40),
    ]
    day = data.moment.day
    t = _open(wb, title, header, data, _("Biểu 5. Đơn vị chưa báo cáo hoặc báo cáo trễ hạn ngày %(date)s")
              % {"date": day.strftime("%d/%m/%Y")}, columns)
    zone = data.campaign.zone
    for i, row in enumerate(data.late, start=1):
        t.add([t.c(i), t.t(row.unit.name), t.c(row.unit.code), t.t(row.unit.parent.name if row.unit.parent else ""),
               t.c(status_label(row.status)), t.ts(row.submitted_at, zone), t.n(row.consecutive_misses),
               t.t(row.reason)])
    counts = data.compliance
    t.close(empty_note=_("Tất cả đơn vị đã báo cáo đúng hạn."), notes=[
        _("Đơn vị phải báo cáo: %(due)s; đúng hạn: %(on_time)s; trễ hạn: %(late)s; chưa báo cáo: %(missing)s; "
          "được miễn: %(excused)s.") % {"due": counts["due"], "on_time": counts["on_time"], "late": counts[LATE],
                                        "missing": counts[MISSING] + counts[NOT_YET], "excused": counts[EXCUSED]},
    ])


def trend_sheet(wb: Workbook, *, title: str, header: HeaderTexts, data: DailyReportData) -> None:
    campaign, moment, root = data.campaign, data.moment, data.scope.root
    columns = [
        Column(_("STT"), 6), Column(_("Ngày"), 12), Column(_("Số liệu chính thức (Bộ TT&TT)"), 14),
        Column(_("Tỷ lệ chính thức"), 10), Column(_("Tổng hợp từ báo cáo"), 14), Column(_("Tỷ lệ theo báo cáo"), 10),
        Column(_("Tăng trong ngày"), 12), Column(_("Tỷ lệ theo lộ trình"), 10), Column(_("Báo cáo đúng hạn"), 11),
        Column(_("Báo cáo trễ hạn"), 11),
    ]
    t = _open(wb, title, header, data, _("Biểu 6. Diễn biến từ ngày %(start)s đến ngày %(date)s") % {
        "start": campaign.start_date.strftime("%d/%m/%Y"), "date": moment.day.strftime("%d/%m/%Y")}, columns)
    reports = reports_count_by_day(campaign=campaign, units=data.scope.units.exclude(kind="province"),
                                   as_at=moment.known_at)
    if data.scope.whole_province:
        points = [(p.day, p.official_installed, p.official_rate, p.reported_installed, p.reported_rate,
                   p.trajectory_rate) for p in data.trend]
    else:
        points = []
        for day in (d for d in campaign.days() if d <= moment.day):
            installed = rate = None
            if root.is_district or root.is_leaf_territory:
                figures, _districts = territory_figures(campaign=campaign, root=root, day=day, as_at=moment.as_at,
                                                        source=data.source)
                installed, rate = figures.installed, figures.rate
            points.append((day, None, None, installed, rate, campaign_trajectory(campaign=campaign, day=day)))
    previous = None
    for i, (day, official, official_rate, installed, rate, trajectory) in enumerate(points, start=1):
        counts = reports.get(day, {"on_time": 0, "late": 0})
        change = installed - previous if installed is not None and previous is not None else None
        t.add([t.c(i), t.d(day), t.n(official), t.p(official_rate), t.n(installed), t.p(rate), t.n(change),
               t.p(trajectory), t.n(counts["on_time"]), t.n(counts["late"])])
        previous = installed
    t.close(empty_note=_("Chưa có số liệu."))


def _grouped(value: int | None) -> str:
    return "—" if value is None else f"{value:,}".replace(",", ".")


def _changed(revision) -> str:
    """What the save replaced, e.g. "Số người dân đã cài đặt: 1.200 → 1.350"."""
    previous = revision.previous or {}
    parts = []
    for name in COUNT_FIELDS:
        old, new = previous.get(name), getattr(revision, name)
        if old != new and (old is not None or new is not None):
            parts.append(f"{field_label(name)}: {_grouped(old)} → {_grouped(new)}")
    return "; ".join(parts)


def corrections_sheet(wb: Workbook, *, title: str, header: HeaderTexts, data: DailyReportData) -> None:
    moment, zone = data.moment, data.campaign.zone
    columns = [
        Column(_("STT"), 6), Column(_("Đơn vị"), 28), Column(_("Mã đơn vị"), 9), Column(_("Thuộc"), 20),
        Column(_("Loại cập nhật"), 16), Column(_("Lúc"), 16), Column(_("Người nhập"), 14), Column(_("Kênh"), 11),
        *[Column(field_label(name), 12) for name in COUNT_FIELDS],
        Column(_("Thay đổi so với trước"), 36), Column(_("Ghi chú"), 26), Column(_("Lý do trễ hạn"), 26),
    ]
    deadline = data.campaign.deadline
    deadline_text = _("%(h)s giờ %(m)s") % {"h": f"{deadline.hour:02d}", "m": f"{deadline.minute:02d}"}
    included = _("không tính vào số liệu lúc %(t)s") if moment.mode == AS_AT_DEADLINE else \
        _("đã tính vào số liệu cập nhật")
    t = _open(wb, title, header, data, _("Biểu 7. Báo cáo và chỉnh sửa sau %(t)s ngày %(date)s (%(included)s)") % {
        "t": deadline_text, "date": moment.day.strftime("%d/%m/%Y"),
        "included": included % {"t": deadline_text}}, columns)
    for i, rev in enumerate(corrections_after_deadline(scope=data.scope, moment=moment).iterator(chunk_size=500),
                            start=1):
        unit: Unit = rev.unit
        official = unit.is_province  # DIC's entry of the Ministry's figure: never a late province report
        if official:
            kind = _("Số liệu chính thức của Bộ") + ("" if rev.number == 1 else " " + _("(lần %(n)s)") % {"n": rev.number})
        elif rev.number == 1:
            kind = _("Báo cáo lần đầu (trễ hạn)")
        else:
            kind = _("Sửa số liệu (lần %(n)s)") % {"n": rev.number}
        t.add([t.c(i), t.t(unit.name), t.c(unit.code), t.t(unit.parent.name if unit.parent else ""), t.t(kind),
               t.ts(rev.created_at, zone), t.t(rev.author.username if rev.author else ""),
               t.c(Channel(rev.channel).label if rev.channel in Channel.values else rev.channel),
               *[t.n(getattr(rev, name)) for name in COUNT_FIELDS], t.t(_changed(rev)), t.t(rev.note),
               t.t(rev.report.late_reason if rev.number == 1 and not official else "")])
    t.close(empty_note=_("Không có báo cáo hay chỉnh sửa nào sau %(t)s.") % {"t": deadline_text})
