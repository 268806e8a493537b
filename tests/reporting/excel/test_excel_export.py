"""The daily Excel report: form, numbers (equal to /api/v1/progress/), print setup, scope, safety."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl.utils import get_column_letter

from tests.reporting.excel_support import (
    AGENCIES,
    COMMUNES,
    CORRECTIONS,
    DISTRICTS,
    FIRST_ROW,
    HEADER_ROW,
    LATE,
    SHEETS,
    SUMMARY,
    TREND,
    D,
    all_values,
    at,
    export,
    row_named,
    rows,
    seed_day,
    submit,
    token_client,
    workbook,
)
from units.models import Unit


def approx(value):
    # xlsx keeps 15 significant digits, as Excel does.
    return pytest.approx(value, rel=1e-13)


AFTER = at(D, 17)  # the day's exports are taken after its deadline unless a test says otherwise


@pytest.fixture
def day_of_reports(lan, hoa, tuan, minh, dung, thao):
    seed_day(lan=lan, hoa=hoa, tuan=tuan, minh=minh, dung=dung, thao=thao)


def _get(user, **params):
    with time_machine.travel(AFTER, tick=False):
        response = export(token_client(user), **params)
    assert response.status_code == 200, getattr(response, "data", response)
    return response


def test_export_is_an_xlsx_attachment_with_the_report_sheets(day_of_reports, thao):
    response = _get(thao, date=D.isoformat())
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'attachment; filename="bao-cao-bluezone-2020-08-20-15h00.xlsx"' == response["Content-Disposition"]
    assert workbook(response).sheetnames == SHEETS


def test_every_sheet_opens_with_the_official_header_block(day_of_reports, thao):
    wb = workbook(_get(thao, date=D.isoformat()))
    for ws in wb.worksheets:
        texts = [v for row in ws.iter_rows(max_row=6, values_only=True) for v in row if v]
        assert texts[:4] == ["UBND TỈNH HẬU GIANG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                             "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "Độc lập - Tự do - Hạnh phúc"], ws.title
        assert "Hậu Giang, ngày 20 tháng 8 năm 2020" in texts
        assert ws["A4"].value == "BÁO CÁO KẾT QUẢ CÀI ĐẶT ỨNG DỤNG BLUEZONE"
        assert ws["A5"].value == "Số liệu tính đến 15 giờ 00 ngày 20/08/2020"
        assert "Phạm vi: Tỉnh Hậu Giang" in ws["A6"].value
        assert {"A4:" + get_column_letter(ws.max_column) + "4"} <= {str(r) for r in ws.merged_cells.ranges}


def test_as_at_now_says_when_the_figures_were_read(day_of_reports, thao):
    with time_machine.travel(at(D, 16, 45), tick=False):
        response = export(token_client(thao), date=D.isoformat(), as_at="now")
    ws = workbook(response)[SUMMARY]
    assert ws["A5"].value == "Số liệu cập nhật lúc 16 giờ 45 ngày 20/08/2020"
    assert response["Content-Disposition"].endswith('cap-nhat-20200820-1645.xlsx"')


@pytest.mark.parametrize("as_at", ["deadline", "now"])
def test_province_and_district_totals_equal_the_progress_api(day_of_reports, thao, as_at):
    client = token_client(thao)
    with time_machine.travel(AFTER, tick=False):
        progress = client.get("/api/v1/progress/", {"date": D.isoformat(), "as_at": as_at}).json()
        wb = workbook(export(client, date=D.isoformat(), as_at=as_at))
    ws = wb[DISTRICTS]
    for district in progress["districts"]:
        row = row_named(ws, district["name"])
        assert row is not None, district["name"]
        assert row[2:6] == [district["population"], district["installed"], approx(district["rate"]), district["change"]]
        assert (row[6], row[7], row[8], row[9]) == (district["target_installed"], district["shortfall"],
                                                    district["required_daily"], district["rank"])
        assert (row[10], row[11], row[12]) == (district["leaves"], district["on_time_leaves"],
                                               district["stale_leaves"])
    province = progress["province"]
    total = row_named(ws, "Toàn tỉnh (tổng hợp từ báo cáo)")
    assert total[2:5] == [province["population"], province["reported_installed"], approx(province["reported_rate"])]
    assert total[6:9] == [province["target_installed"], province["shortfall"], province["required_daily"]]
    official = row_named(ws, "Toàn tỉnh (số liệu chính thức của Bộ TT&TT)")
    assert official[3:5] == [province["official_installed"], approx(province["official_rate"])]
    assert province["reported_installed"] == 1000 + 2000 + 3000 and province["official_installed"] == 130000

    summary = {r[1]: r[2] for r in rows(wb[SUMMARY])}
    assert summary["Số người đã cài đặt — tổng hợp từ báo cáo của các xã, phường, thị trấn"] == 6000
    assert summary["Số người đã cài đặt — số liệu chính thức của Bộ Thông tin và Truyền thông"] == 130000
    assert summary["Tỷ lệ cài đặt — tổng hợp từ báo cáo"] == approx(province["reported_rate"])
    assert summary["Số người cần cài đặt thêm mỗi ngày"] == province["required_daily"]
    assert summary["Số ngày còn lại đến ngày mục tiêu"] == province["days_left"] == 10
    assert summary["Mục tiêu đến ngày 30/08/2020"] == 0.3


def test_communes_are_grouped_by_district_with_a_subtotal_equal_to_the_district(day_of_reports, thao):
    wb = workbook(_get(thao, date=D.isoformat()))
    districts, communes = wb[DISTRICTS], wb[COMMUNES]
    vi_thanh = row_named(communes, "Thành phố Vị Thanh")
    assert vi_thanh[0] == "I" and vi_thanh[3] == 3000 == row_named(districts, "Thành phố Vị Thanh")[3]
    assert vi_thanh[2] == 73322  # the district's census population, not a sum of communes
    phuong_1 = row_named(communes, "Phường I")
    assert phuong_1[3:6] == [1000, approx(1000 / 5628), 200] and phuong_1[10:12] == ["31318", "Đúng hạn"]
    table = rows(communes)
    start = next(i for i, r in enumerate(table) if r[1] == "Thành phố Vị Thanh")
    block = []
    for r in table[start + 1:]:
        if not isinstance(r[0], int):
            break
        block.append(r)
    assert len(block) == row_named(districts, "Thành phố Vị Thanh")[10] == 9
    assert vi_thanh[12] == "Cộng 9 xã, phường, thị trấn"
    assert sum(r[3] for r in block) == vi_thanh[3]
    assert row_named(communes, "Thành phố Ngã Bảy")[0] == "II"


def test_agencies_sheet_compares_staff_and_family_with_100_percent(day_of_reports, thao):
    ws = workbook(_get(thao, date=D.isoformat()))[AGENCIES]
    syt = row_named(ws, "Sở Y tế")
    assert syt[2:10] == ["SYT", 300, 250, approx(250 / 300), 800, 500, approx(500 / 800), approx(750 / 1100)]
    assert syt[10] == "Chưa đạt" and syt[11] == 120
    assert row_named(ws, "Tổng cộng")[4] == 250


def test_missing_and_late_sheet_lists_units_without_an_on_time_report(day_of_reports, thao, minh):
    submit(minh, "31321", D, at(D, 15, 30), residents_installed=10, late_reason="Mất điện")
    wb = workbook(_get(thao, date=D.isoformat(), as_at="now"))
    ws = wb[LATE]
    late = row_named(ws, "Phường III")
    # Never on time since the campaign began (13/08): eight days in a row.
    assert late[2:5] == ["31321", "Thành phố Vị Thanh", "Trễ hạn"] and late[6:8] == [8, "Mất điện"]
    assert late[5].strftime("%d/%m/%Y %H:%M") == "20/08/2020 15:30"
    missing = row_named(ws, "Xã Vị Tân")
    assert missing is None  # it reported on time
    assert row_named(ws, "Sở Nội vụ")[4] == "Chưa báo cáo"
    assert row_named(ws, "Phường I") is None


def test_trend_sheet_has_one_row_per_campaign_day_until_the_date(day_of_reports, thao):
    table = rows(workbook(_get(thao, date=D.isoformat()))[TREND])
    days = [r[1].date() for r in table if r[1] is not None]
    assert days[0].isoformat() == "2020-08-13" and days[-1] == D and len(days) == 8
    assert table[-1][2] == 130000 and table[-1][4] == 6000 and table[-1][8:10] == [5, 0]


def test_number_formats_panes_filter_and_print_setup(day_of_reports, thao):
    wb = workbook(_get(thao, date=D.isoformat()))
    ws = wb[DISTRICTS]
    first = [c for c in ws[FIRST_ROW]]
    assert (first[2].number_format, first[3].number_format, first[4].number_format) == ("#,##0", "#,##0", "0.00%")
    assert ws.freeze_panes == "C9"
    assert ws.auto_filter.ref.startswith(f"A{HEADER_ROW}:N")
    assert ws.column_dimensions["B"].width == 28
    for sheet in wb.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert str(sheet.page_setup.paperSize) == "9"  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.print_title_rows == "$8:$8"
        assert sheet.freeze_panes is not None and sheet.auto_filter.ref.startswith("A8:")
    summary = {r[1]: wb[SUMMARY].cell(row=FIRST_ROW + i, column=3).number_format
               for i, r in enumerate(rows(wb[SUMMARY]))}
    assert summary["Dân số (người)"] == "#,##0" and summary["Tỷ lệ cài đặt — tổng hợp từ báo cáo"] == "0.00%"


def test_text_that_looks_like_a_formula_is_written_as_text(day_of_reports, thao, lan, minh):
    formula = '=HYPERLINK("http://x","x")'
    submit(lan, "31318", D, at(D, 16), residents_installed=1100, note=formula)
    submit(minh, "31321", D, at(D, 16, 5), residents_installed=5, late_reason="@SUM(1+1)")
    Unit.objects.filter(code="31333").update(name="-2+3 Vị Tân")
    wb = workbook(_get(thao, date=D.isoformat()))
    corrections = wb[CORRECTIONS]
    row = next(r for r in corrections.iter_rows(min_row=FIRST_ROW) if r[2].value == "31318")
    note = row[13]
    assert note.value == formula and note.data_type == "s" and note.quotePrefix
    assert row[8].value == 1100 and row[8].data_type == "n"
    reason = next(r for r in corrections.iter_rows(min_row=FIRST_ROW) if r[2].value == "31321")[14]
    assert reason.value == "@SUM(1+1)" and reason.data_type == "s"
    name = next(r for r in wb[COMMUNES].iter_rows(min_row=FIRST_ROW) if r[10].value == "31333")
    assert name[1].value == "-2+3 Vị Tân" and name[1].data_type == "s" and name[3].data_type == "n"
    for ws in wb.worksheets:
        assert all(c.data_type != "f" for r in ws.iter_rows() for c in r), ws.title


def test_control_characters_in_notes_do_not_break_the_file(day_of_reports, thao, lan):
    submit(lan, "31318", D, at(D, 16), residents_installed=1100, note="dòng 1\x0bdòng 2\x1f")
    row = row_named(workbook(_get(thao, date=D.isoformat()))[CORRECTIONS], "Phường I")
    assert row[13] == "dòng 1dòng 2"


def test_viewer_gets_the_whole_province(day_of_reports, quang):
    wb = workbook(_get(quang, date=D.isoformat()))
    assert len([r for r in rows(wb[DISTRICTS]) if isinstance(r[0], int)]) == 8


def test_district_reporter_gets_only_its_own_subtree(day_of_reports, minh):
    wb = workbook(_get(minh, date=D.isoformat()))
    assert "Phạm vi: Thành phố Vị Thanh" in wb[SUMMARY]["A6"].value
    assert [r[1] for r in rows(wb[DISTRICTS]) if isinstance(r[0], int)] == ["Thành phố Vị Thanh"]
    codes = {r[10] for r in rows(wb[COMMUNES]) if isinstance(r[0], int)}
    assert "31318" in codes and "31340" not in codes
    everything = str([all_values(ws) for ws in wb.worksheets])
    assert "Phường Ngã Bảy" not in everything and "Sở Y tế" not in everything and "130000" not in everything
    summary = {r[1]: r[2] for r in rows(wb[SUMMARY])}
    assert summary["Số người đã cài đặt — tổng hợp từ báo cáo của các xã, phường, thị trấn"] == 3000


def test_commune_reporter_gets_only_its_commune(day_of_reports, lan):
    wb = workbook(_get(lan, date=D.isoformat()))
    assert [r[10] for r in rows(wb[COMMUNES]) if isinstance(r[0], int)] == ["31318"]
    assert not [r for r in rows(wb[DISTRICTS]) if isinstance(r[0], int)]
    assert "Xã Vị Tân" not in str([all_values(ws) for ws in wb.worksheets])


@pytest.mark.parametrize(("params", "field", "words"), [
    ({"date": "2020-13-01"}, "date", "YYYY-MM-DD"),
    ({"date": "20/08/2020"}, "date", "YYYY-MM-DD"),
    ({"date": "2020-09-15"}, "date", "ngoài thời gian chiến dịch"),
    ({"date": "2020-08-21"}, "date", "chưa đến"),
    ({"date": "2020-08-20", "as_at": "yesterday"}, "as_at", "deadline"),
])
def test_bad_parameters_answer_400_naming_the_field(thao, params, field, words):
    with time_machine.travel(AFTER, tick=False):
        response = export(token_client(thao), **params)
    assert response.status_code == 400
    assert list(response.json()) == [field] and words in response.json()[field][0]


def test_anonymous_callers_are_refused(hau_giang, api_client):
    assert export(api_client, date=D.isoformat()).status_code == 401


def test_the_web_button_downloads_the_same_workbook(day_of_reports, thao, client):
    client.force_login(thao)
    with time_machine.travel(AFTER, tick=False):
        page = client.get("/xuat-excel/")
        response = client.get("/xuat-excel/", {"date": D.isoformat()})
        bad = client.get("/xuat-excel/", {"date": "2020-02-30"})
    assert page.status_code == 200 and "Tải tệp Excel" in page.content.decode()
    assert response.status_code == 200 and workbook(response).sheetnames == SHEETS
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.content.decode()
    anonymous = type(client)().get("/xuat-excel/", {"date": D.isoformat()})
    assert anonymous.status_code == 302 and "/dang-nhap/" in anonymous["Location"]


def test_dashboards_link_to_the_workbook_of_the_same_view(day_of_reports, thao, client):
    client.force_login(thao)
    with time_machine.travel(AFTER, tick=False):
        html = client.get("/tong-quan/", {"date": D.isoformat()}).content.decode()
    assert 'href="/xuat-excel/?date=2020-08-20&amp;as_at=now"' in html
    assert 'href="/xuat-excel/?date=2020-08-20&amp;as_at=deadline"' in html


@pytest.mark.postgres
@pytest.mark.parametrize(("user", "as_at"), [("thao", "now"), ("minh", "now"), ("thao", "deadline")])
def test_a_workbook_chooses_its_source_of_figures_once(day_of_reports, request, user, as_at):
    """issue 15: the progress table's days are ensured once for the whole workbook (the 15:00 snapshot
    never uses the table), however many selectors and days its sheets read — a district's trend sheet reads
    the district's figures for every day."""
    client = token_client(request.getfixturevalue(user))
    with time_machine.travel(AFTER, tick=False):
        export(client, date=D.isoformat(), as_at="now")  # builds the table
        with CaptureQueriesContext(connection) as queries:
            workbook(export(client, date=D.isoformat(), as_at=as_at))
    ensured = [q for q in queries.captured_queries if "reporting_progress_ensure" in q["sql"]]
    assert len(ensured) == (1 if as_at == "now" else 0)
