"""The workbook opens in a real spreadsheet program: LibreOffice Calc converts it to PDF and CSV.

`.ci/run` installs Debian's libreoffice-calc-nogui; these tests run everywhere the suite runs.
Each conversion uses a private LibreOffice profile and a bounded timeout.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
import time_machine

from tests.reporting.excel_support import D, at, body, export, seed_day, submit, token_client
from units.models import Unit

TIMEOUT = 180
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,{sheet}"


def soffice(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    assert exe, "LibreOffice is required (.ci/run installs libreoffice-calc-nogui)"
    profile = tmp_path / f"lo-{uuid.uuid4().hex}"
    result = subprocess.run(
        [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nolockcheck",
         "--nodefault", *args],
        capture_output=True, timeout=TIMEOUT, check=False, env={**os.environ, "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result


@pytest.fixture
def exported(tmp_path, lan, hoa, tuan, minh, dung, thao):
    seed_day(lan=lan, hoa=hoa, tuan=tuan, minh=minh, dung=dung, thao=thao)
    Unit.objects.filter(code="31333").update(name="=1+2 Vị Tân")
    submit(lan, "31318", D, at(D, 16), residents_installed=1100, note='=HYPERLINK("http://x","x")')
    client = token_client(thao)
    with time_machine.travel(at(D, 17), tick=False):
        response = export(client, date=D.isoformat())
        progress = client.get("/api/v1/progress/", {"date": D.isoformat(), "as_at": "deadline"}).json()
    path = tmp_path / "bao-cao.xlsx"
    path.write_bytes(body(response))
    return path, progress


def csv_sheet(tmp_path: Path, workbook: Path, sheet: int) -> list[list[str]]:
    out = tmp_path / f"csv-{sheet}"
    soffice(tmp_path, "--convert-to", CSV_FILTER.format(sheet=sheet), "--outdir", str(out), str(workbook))
    [produced] = list(out.glob("*.csv"))
    with produced.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_libreoffice_prints_the_report_to_pdf(tmp_path, exported):
    workbook, _progress = exported
    out = tmp_path / "pdf"
    soffice(tmp_path, "--convert-to", "pdf", "--outdir", str(out), str(workbook))
    pdf = (out / "bao-cao.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) >= 7  # at least one page per sheet
    boxes = {tuple(round(float(v)) for v in box.split()) for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", pdf)}
    assert boxes == {(0, 0, 842, 595)}  # A4 landscape, as the print setup asks


def test_libreoffice_reads_the_district_totals_of_the_progress_api(tmp_path, exported):
    workbook, progress = exported
    table = csv_sheet(tmp_path, workbook, sheet=2)
    assert table[0][0] == "UBND TỈNH HẬU GIANG" and table[3][0] == "BÁO CÁO KẾT QUẢ CÀI ĐẶT ỨNG DỤNG BLUEZONE"
    assert table[4][0] == "Số liệu tính đến 15 giờ 00 ngày 20/08/2020"
    by_name = {row[1]: row for row in table[8:] if len(row) > 3}
    for district in progress["districts"]:
        row = by_name[district["name"]]
        assert int(row[2]) == district["population"] and int(row[3]) == district["installed"]
    total = by_name["Toàn tỉnh (tổng hợp từ báo cáo)"]
    assert int(total[3]) == progress["province"]["reported_installed"] == 6000
    assert int(by_name["Toàn tỉnh (số liệu chính thức của Bộ TT&TT)"][3]) == progress["province"]["official_installed"]


def test_libreoffice_keeps_formula_like_text_as_text(tmp_path, exported):
    workbook, _progress = exported
    communes = csv_sheet(tmp_path, workbook, sheet=3)
    assert any(row[1] == "=1+2 Vị Tân" for row in communes if len(row) > 1)
    corrections = csv_sheet(tmp_path, workbook, sheet=7)
    assert any('=HYPERLINK("http://x","x")' in row for row in corrections)


LONG_NOTE = ("Tổ công tác xã đã đến từng hộ ở ấp 1, ấp 2 và ấp 3 để hướng dẫn cài đặt; số liệu được đối chiếu "
             "với danh sách của trạm y tế trước khi gửi. ") * 2


def _lines_at_least(text: str, width: float) -> int:
    """A generous lower bound of the lines wrapped text needs: 1.3 characters per unit of column width."""
    return max(1, -(-len(text) // int(width * 1.3)))


def test_libreoffice_lays_out_long_text_inside_rows_tall_enough(tmp_path, lan, hoa, tuan, minh, dung, thao):
    """Long notes (Biểu 3's remarks, Biểu 7's changes and notes) wrap in their cells, in rows as tall as they need,
    as LibreOffice lays the workbook out (re-saved by it), and every printed page is A4 landscape."""
    from openpyxl import load_workbook

    seed_day(lan=lan, hoa=hoa, tuan=tuan, minh=minh, dung=dung, thao=thao)
    submit(lan, "31318", D, at(D, 16), residents_installed=1100, staff_installed=30, family_installed=60,
           note=LONG_NOTE)
    with time_machine.travel(at(D, 17), tick=False):
        response = export(token_client(thao), date=D.isoformat())
    workbook = tmp_path / "bao-cao.xlsx"
    workbook.write_bytes(body(response))
    out = tmp_path / "lo"
    soffice(tmp_path, "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(workbook))
    soffice(tmp_path, "--convert-to", "pdf", "--outdir", str(out), str(workbook))
    laid_out = load_workbook(out / "bao-cao.xlsx")
    checked = 0
    for sheet in (laid_out.worksheets[2], laid_out.worksheets[6]):  # Biểu 3 and Biểu 7
        widths = {col: dim.width for col, dim in sheet.column_dimensions.items()}
        for row in sheet.iter_rows(min_row=9):
            for cell in row:
                if not isinstance(cell.value, str) or len(cell.value) < 30 or cell.coordinate in sheet.merged_cells:
                    continue
                assert cell.alignment.wrap_text, f"{sheet.title}!{cell.coordinate} does not wrap"
                needed = _lines_at_least(cell.value, widths.get(cell.column_letter) or 8.43)
                height = sheet.row_dimensions[cell.row].height or 15
                assert height >= needed * 13, f"{sheet.title}!{cell.coordinate}: {height} pt for {needed} lines"
                checked += 1
    assert checked >= 3  # Biểu 3's remarks, Biểu 7's changes and the long note
    pdf = (out / "bao-cao.pdf").read_bytes()
    boxes = {tuple(round(float(v)) for v in box.split()) for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", pdf)}
    assert boxes == {(0, 0, 842, 595)}
