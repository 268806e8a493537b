"""Bulk import from Excel: the template, all-or-nothing saves, and files that must be refused."""

from __future__ import annotations

import io
import re
import tracemalloc
import zipfile

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from reporting.excel.archive import MAX_UNCOMPRESSED_BYTES, MAX_UPLOAD_BYTES
from reporting.models import Channel, DailyReport, ReportRevision
from tests.reporting.excel_support import FIRST_ROW, HEADER_ROW, D, at, body, submit, token_client
from units.models import Unit

MORNING = at(D, 14)
SPREADSHEET_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Override PartName="/xl/workbook.xml" ContentType="{main}"/></Types>'
)
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def template(user, when=MORNING, **params) -> bytes:
    with time_machine.travel(when, tick=False):
        response = token_client(user).get("/api/v1/imports/template.xlsx", {"date": D.isoformat(), **params})
    assert response.status_code == 200, response.content
    return body(response)


def filled(data: bytes, values: dict[str, dict[str, object]], extra_rows: list[list] = ()) -> bytes:
    """The template with `values` typed in: {code: {column letter: value}}."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    for row in ws.iter_rows(min_row=FIRST_ROW):
        for column, value in values.get(row[0].value, {}).items():
            ws[f"{column}{row[0].row}"] = value
    for extra in extra_rows:
        ws.append(extra)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(user, data: bytes, when=MORNING, name="so-lieu.xlsx", **fields):
    with time_machine.travel(when, tick=False):
        return token_client(user).post(
            "/api/v1/imports/", {"file": SimpleUploadedFile(name, data), **fields}, format="multipart",
        )


def row_of(data: bytes, code: str) -> int:
    ws = load_workbook(io.BytesIO(data)).active
    return next(r[0].row for r in ws.iter_rows(min_row=FIRST_ROW) if r[0].value == code)


def messages(response) -> list[str]:
    return [e["message"] for e in response.json()["errors"]]


def test_template_lists_the_units_the_caller_may_write_with_their_last_values(minh, lan):
    submit(lan, "31318", D.replace(day=19), at(D.replace(day=19), 9), residents_installed=900)
    ws = load_workbook(io.BytesIO(template(minh, parent="930"))).active
    assert ws["A6"].value == "Ngày báo cáo" and ws["B6"].value.date() == D
    header = [c.value for c in ws[HEADER_ROW]]
    assert header[:9] == ["Mã đơn vị", "Tên đơn vị", "Ngày của số liệu gần nhất", "Số người dân đã cài đặt",
                          "Số cán bộ đã cài đặt", "Số người thân đã cài đặt", "Số người được hỗ trợ cài đặt",
                          "Ghi chú", "Lý do báo cáo trễ hạn"]
    codes = [r[0] for r in ws.iter_rows(min_row=FIRST_ROW, values_only=True)]
    assert codes == list(Unit.objects.subtree(Unit.objects.get(code="930")).order_by("path")
                         .values_list("code", flat=True))
    phuong_1 = next(r for r in ws.iter_rows(min_row=FIRST_ROW) if r[0].value == "31318")
    assert phuong_1[2].value.date().isoformat() == "2020-08-19" and phuong_1[9].value == 900
    assert phuong_1[3].value is None  # the input is empty until that day's report exists
    district = next(r for r in ws.iter_rows(min_row=FIRST_ROW) if r[0].value == "930")
    assert district[3].fill.fgColor.rgb.endswith("EDEDED")  # residents do not apply to a district
    assert ws.freeze_panes == "C9" and ws.data_validations.dataValidation[0].type == "whole"


def test_template_parameters_are_checked(minh, quang):
    with time_machine.travel(MORNING, tick=False):
        client = token_client(minh)
        other = client.get("/api/v1/imports/template.xlsx", {"parent": "931"})
        unknown = client.get("/api/v1/imports/template.xlsx", {"parent": "XYZ"})
        bad_date = client.get("/api/v1/imports/template.xlsx", {"date": "2020-08-32"})
        future = client.get("/api/v1/imports/template.xlsx", {"date": "2020-08-21"})
        viewer = token_client(quang).get("/api/v1/imports/template.xlsx")
    assert other.status_code == 403 and "Thành phố Ngã Bảy" in other.json()["detail"]
    assert unknown.status_code == 400 and "XYZ" in unknown.json()["parent"][0]
    assert bad_date.status_code == 400 and "YYYY-MM-DD" in bad_date.json()["date"][0]
    assert future.status_code == 400 and "chưa đến" in future.json()["date"][0]
    assert viewer.status_code == 403


def test_a_good_file_saves_every_row_in_one_go(minh):
    data = filled(template(minh, parent="930"), {
        "31318": {"D": 1000, "E": 20, "H": "Tổ công tác xã"},
        "31333": {"D": "2000", "F": 35.0},
        "930": {"E": 150, "F": 300, "G": 40},
    })
    response = upload(minh, data)
    assert response.status_code == 201, response.content
    assert response.json() == {"date": "2020-08-20", "saved": 3, "created": 3, "updated": 0, "unchanged": 0,
                               "warnings": []}
    reports = {r.unit.code: r for r in DailyReport.objects.filter(date=D).select_related("unit")}
    assert set(reports) == {"31318", "31333", "930"}
    assert (reports["31318"].residents_installed, reports["31318"].note) == (1000, "Tổ công tác xã")
    assert reports["31333"].family_installed == 35 and reports["930"].assisted_installs == 40
    assert all(r.channel == Channel.IMPORT and r.on_time for r in reports.values())
    assert ReportRevision.objects.filter(date=D, channel=Channel.IMPORT, author=minh).count() == 3


def test_a_file_with_bad_rows_saves_nothing_and_names_each_row_and_column(minh):
    data = template(minh, parent="930")
    bad = filled(data, {
        "31318": {"D": 1000},  # a good row: still not saved
        "31333": {"D": -5},
        "31321": {"D": "nhiều"},
        "31324": {"D": 999_999},
        "930": {"D": 50},
    })
    response = upload(minh, bad)
    assert response.status_code == 400
    errors = {(e["row"], e["column"], e["field"]): e["message"] for e in response.json()["errors"]}
    assert "không được là số âm" in errors[(row_of(data, "31333"), "D", "residents_installed")]
    assert "“nhiều” không phải một số" in errors[(row_of(data, "31321"), "D", "residents_installed")]
    assert "vượt quá dân số 12.754 của Phường IV" in errors[(row_of(data, "31324"), "D", "residents_installed")]
    assert "được tính tự động" in errors[(row_of(data, "930"), "D", "residents_installed")]
    assert len(errors) == 4
    assert not DailyReport.objects.exists()


def test_checking_a_file_costs_the_same_queries_whatever_its_number_of_rows(minh):
    """The check pass reads nothing per row (a refused file never reaches the per-row saves)."""
    data = template(minh, parent="930")
    codes = [c for c in Unit.objects.get(code="930").children.order_by("code").values_list("code", flat=True)]

    def queries_for(good_rows: int) -> int:
        values = {code: {"D": 100 + i} for i, code in enumerate(codes[1:1 + good_rows])}
        values[codes[0]] = {"D": -5}  # one refused row: nothing is saved
        with CaptureQueriesContext(connection) as queries:
            response = upload(minh, filled(data, values))
        assert response.status_code == 400 and not DailyReport.objects.exists()
        return len(queries)

    assert len(codes) >= 8
    assert queries_for(1) == queries_for(7)


def test_rows_of_another_units_are_refused_and_nothing_is_saved(minh):
    data = filled(template(minh, parent="930"), {"31318": {"D": 1000}}, extra_rows=[["31340", "Phường Ngã Bảy",
                                                                                     None, 500]])
    response = upload(minh, data)
    assert response.status_code == 403
    [error] = response.json()["errors"]
    assert error["column"] == "A" and error["field"] == "unit"
    assert error["message"] == "Bạn không có quyền báo cáo cho Phường Ngã Bảy."
    assert not DailyReport.objects.exists()


def test_unknown_and_repeated_codes_are_refused(minh):
    data = filled(template(minh, parent="930"), {"31318": {"D": 10}},
                  extra_rows=[["99999", "?", None, 5], ["31318", "Phường I", None, 11]])
    response = upload(minh, data)
    assert response.status_code == 400
    assert messages(response) == ["Mã đơn vị “99999” không tồn tại.",
                                  f"Đơn vị Phường I xuất hiện hai lần (dòng {row_of(data, '31318')} và dòng 20)."]
    assert not DailyReport.objects.exists()


def test_a_template_made_in_english_imports_in_a_vietnamese_session(lan):
    with time_machine.travel(MORNING, tick=False):
        response = token_client(lan).get("/api/v1/imports/template.xlsx", {"date": D.isoformat()},
                                         HTTP_ACCEPT_LANGUAGE="en")
    data = filled(body(response), {"31318": {"D": 321}})
    assert upload(lan, data).status_code == 201
    assert DailyReport.objects.get(unit__code="31318", date=D).residents_installed == 321


def test_a_report_imported_after_15h_is_late_and_keeps_its_reason(lan):
    data = filled(template(lan), {"31318": {"D": 700, "I": "Mất điện cả buổi sáng"}})
    assert upload(lan, data, when=at(D, 16)).status_code == 201
    report = DailyReport.objects.get(unit__code="31318", date=D)
    assert report.on_time is False and report.late_reason == "Mất điện cả buổi sáng"


def test_unchanged_rows_are_not_saved_again(lan):
    data = filled(template(lan), {"31318": {"D": 700}})
    assert upload(lan, data).json()["created"] == 1
    again = upload(lan, filled(template(lan), {}))
    assert again.status_code == 201 and again.json()["unchanged"] == 1 and again.json()["saved"] == 0
    assert ReportRevision.objects.count() == 1


def test_a_late_reason_added_to_an_otherwise_unchanged_row_is_saved_as_one_update(lan):
    """Counts and note as stored, only a late reason added: the reason is saved and the answer says "1 updated"."""
    late = at(D, 16)
    assert upload(lan, filled(template(lan, when=late), {"31318": {"D": 700}}), when=late).json()["created"] == 1
    later = at(D, 17)
    data = filled(template(lan, when=later), {"31318": {"I": "Mất điện cả buổi sáng"}})
    response = upload(lan, data, when=later)
    assert response.status_code == 201, response.content
    assert (response.json()["saved"], response.json()["updated"], response.json()["unchanged"]) == (1, 1, 0)
    report = DailyReport.objects.get(unit__code="31318", date=D)
    assert report.late_reason == "Mất điện cả buổi sáng" and report.residents_installed == 700
    assert report.on_time is False and ReportRevision.objects.count() == 2
    # The same file again changes nothing; an empty reason cell keeps the stored reason.
    again = upload(lan, data, when=later)
    assert (again.json()["saved"], again.json()["unchanged"]) == (0, 1)
    kept = upload(lan, filled(template(lan, when=later), {"31318": {"I": None}}), when=later)
    assert (kept.json()["saved"], kept.json()["unchanged"]) == (0, 1)
    assert DailyReport.objects.get(unit__code="31318", date=D).late_reason == "Mất điện cả buổi sáng"


def test_a_late_reason_that_is_too_long_is_refused_naming_its_column(lan):
    late = at(D, 16)
    assert upload(lan, filled(template(lan, when=late), {"31318": {"D": 700}}), when=late).status_code == 201
    data = filled(template(lan, when=late), {"31318": {"I": "x" * 2001}})
    response = upload(lan, data, when=late)
    assert response.status_code == 400
    assert [(e["column"], e["field"]) for e in response.json()["errors"]] == [("I", "late_reason")]
    assert DailyReport.objects.get(unit__code="31318", date=D).late_reason == ""


def test_the_date_comes_from_the_form_when_the_sheet_has_none(lan):
    data = filled(template(lan), {"31318": {"D": 700}})
    wb = load_workbook(io.BytesIO(data))
    wb.active["B6"] = None
    out = io.BytesIO()
    wb.save(out)
    assert upload(lan, out.getvalue()).json()["errors"][0]["field"] == "date"
    assert upload(lan, out.getvalue(), date="2020-08-19").json()["date"] == "2020-08-19"
    mismatch = upload(lan, data, date="2020-08-19")
    assert mismatch.status_code == 400 and "khác với ngày đã chọn" in messages(mismatch)[0]
    outside = upload(lan, out.getvalue(), date="2020-08-01")
    assert outside.status_code == 400 and "ngoài thời gian chiến dịch" in messages(outside)[0]


def test_a_formula_is_taken_by_its_cached_value(lan):
    data = filled(template(lan), {"31318": {"D": "=10+5"}})
    refused = upload(lan, data)
    assert refused.status_code == 400 and "chứa công thức nhưng không có giá trị đã tính" in messages(refused)[0]
    assert refused.json()["errors"][0]["column"] == "D"
    # What Excel or LibreOffice writes when it saves: the formula and its last computed value.
    with_cache = _rewrite(data, lambda xml: re.sub(rb"<f>10\+5</f>(<v\s*/>|<v></v>)", b"<f>10+5</f><v>15</v>", xml))
    assert upload(lan, with_cache).status_code == 201
    assert DailyReport.objects.get(unit__code="31318", date=D).residents_installed == 15


def _rewrite(data: bytes, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            target.writestr(item, change(content) if item.filename.startswith("xl/worksheets/") else content)
    return out.getvalue()


@pytest.mark.parametrize("data", [
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n",
    b"PK\x03\x04 not really a zip at all",
    b"M\xc3\xa3 \xc4\x91\xc6\xa1n v\xe1\xbb\x8b,S\xe1\xbb\x91 li\xe1\xbb\x87u\n31318,1000\n",
], ids=["pdf", "broken-zip", "csv"])
def test_a_file_that_is_not_xlsx_is_refused_whatever_its_name(lan, data):
    response = upload(lan, data)
    assert response.status_code == 400
    assert messages(response) == ["Tệp không phải bảng tính Excel (.xlsx). Hãy tải mẫu nhập, điền số liệu và lưu dưới "
                                  "dạng “Sổ làm việc Excel (.xlsx)”."]


def test_xml_entities_are_refused_by_defusedxml(lan):
    import openpyxl

    assert openpyxl.DEFUSEDXML is True  # openpyxl parses uploads through defusedxml
    data = filled(template(lan), {"31318": {"D": 7}})
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>')
    bomb = _rewrite(data, lambda xml: laughs + re.sub(rb"^<\?xml[^>]*\?>", b"", xml))
    response = upload(lan, bomb)
    assert response.status_code == 400 and "không phải bảng tính Excel" in messages(response)[0]
    assert not DailyReport.objects.exists()


def test_a_zip_that_is_not_a_workbook_is_refused(lan):
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", SPREADSHEET_TYPES.format(
            main="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"))
        archive.writestr("word/document.xml", "<w:document/>")
    response = upload(lan, docx.getvalue())
    assert response.status_code == 400 and "không phải bảng tính Excel" in messages(response)[0]


def test_an_oversized_file_is_refused(lan):
    response = upload(lan, b"PK\x03\x04" + b"\0" * MAX_UPLOAD_BYTES)
    assert response.status_code == 400 and messages(response) == ["Tệp quá lớn (2,01 MB); tối đa 2 MB."]
    huge = upload(lan, b"PK\x03\x04" + b"\0" * (3 * MAX_UPLOAD_BYTES))  # refused from its length, unread
    assert huge.status_code == 400 and "Tệp quá lớn" in messages(huge)[0]


def _zip_bomb(entry_bytes: int) -> bytes:
    """A small, valid-looking xlsx whose sheet inflates to `entry_bytes`: written in chunks, never held whole."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", SPREADSHEET_TYPES.format(main=XLSX_MAIN))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry:
            chunk = b" " * (1024 * 1024)
            for _ in range(entry_bytes // len(chunk)):
                entry.write(chunk)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_inflated(lan):
    bomb = _zip_bomb(MAX_UNCOMPRESSED_BYTES + 10 * 1024 * 1024)
    assert len(bomb) < 100 * 1024
    tracemalloc.start()
    response = upload(lan, bomb)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert response.status_code == 400
    assert messages(response)[0].startswith("Tệp khi giải nén quá lớn (30,01 MB; tối đa 20 MB)")
    assert peak < 10 * 1024 * 1024


def test_a_small_entry_with_an_absurd_compression_ratio_is_refused(lan):
    response = upload(lan, _zip_bomb(8 * 1024 * 1024))
    assert response.status_code == 400 and "tỷ lệ nén quá cao" in messages(response)[0]


def test_too_many_rows_are_refused(lan):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["Ngày báo cáo", "20/08/2020"])
    ws.append(["Mã đơn vị", "Tên đơn vị", "Số người dân đã cài đặt"])
    for i in range(2001):
        ws.append(["31318", "Phường I", i])
    out = io.BytesIO()
    wb.save(out)
    response = upload(lan, out.getvalue())
    assert response.status_code == 400 and "tối đa 2.000 dòng" in messages(response)[0]
    assert not DailyReport.objects.exists()


def test_the_upload_page_lists_errors_by_row_and_saves_a_good_file(minh, client):
    client.force_login(minh)
    data = template(minh, parent="930")
    with time_machine.travel(MORNING, tick=False):
        page = client.get("/nhap-excel/")
        bad = client.post("/nhap-excel/", {"file": SimpleUploadedFile("a.xlsx", filled(data, {"31318": {"D": -1}}))})
        good = client.post("/nhap-excel/", {"file": SimpleUploadedFile("a.xlsx", filled(data, {"31318": {"D": 5}}))},
                           follow=True)
        download = client.get("/nhap-excel/mau.xlsx", {"parent": "930", "date": D.isoformat()})
    html = page.content.decode()
    assert page.status_code == 200 and "/nhap-excel/mau.xlsx" in html and 'value="930"' in html
    assert bad.status_code == 400 and "Số người dân đã cài đặt: không được là số âm." in bad.content.decode()
    saved_page = good.content.decode()
    assert "Ngày 20/08/2020: đã lưu 1 báo cáo (1 báo cáo mới, 0 báo cáo được cập nhật)." in saved_page
    receipt = DailyReport.objects.get(unit__code="31318", date=D).revisions.get().pk
    assert f'href="/bao-cao/bien-nhan/{receipt}/">Phường I</a>' in saved_page
    assert download.status_code == 200 and download["Content-Disposition"].endswith('mau-nhap-bluezone-930-2020-08-20.xlsx"')
    assert DailyReport.objects.get(unit__code="31318", date=D).residents_installed == 5


def test_the_upload_page_says_plainly_when_nothing_changed(minh, client):
    client.force_login(minh)
    data = filled(template(minh, parent="930"), {"31318": {"D": 5}, "31333": {"D": 7}})
    with time_machine.travel(MORNING, tick=False):
        client.post("/nhap-excel/", {"file": SimpleUploadedFile("a.xlsx", data)})
        again = client.post("/nhap-excel/", {"file": SimpleUploadedFile("a.xlsx", data)}, follow=True)
        mixed = client.post("/nhap-excel/", {"file": SimpleUploadedFile("a.xlsx", filled(
            template(minh, parent="930"), {"31318": {"D": 6}, "31333": {"D": 7}}))}, follow=True)
    assert "Ngày 20/08/2020: không có gì thay đổi — 2 dòng trùng với số liệu đã có, không lưu lại." in \
        again.content.decode()
    text = mixed.content.decode()
    assert "Ngày 20/08/2020: đã lưu 1 báo cáo (0 báo cáo mới, 1 báo cáo được cập nhật)." in text
    assert "1 dòng trùng với số liệu đã có nên không lưu lại." in text
    assert text.count('href="/bao-cao/bien-nhan/') == 1 and ">Phường I</a> · cập nhật" in text


def test_the_reviewers_template_says_why_it_lists_only_the_province(thao, client):
    client.force_login(thao)
    with time_machine.travel(MORNING, tick=False):
        page = client.get("/nhap-excel/").content.decode()
        response = client.get("/nhap-excel/mau.xlsx", {"parent": "93", "date": D.isoformat()})
    assert "nên mẫu chỉ có một dòng: Tỉnh Hậu Giang." in page
    sheet = load_workbook(io.BytesIO(body(response))).active
    assert "nên mẫu chỉ có dòng của tỉnh" in sheet["A2"].value
