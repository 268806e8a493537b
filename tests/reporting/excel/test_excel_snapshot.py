"""The 15:00 snapshot: reproducible later; what came after 15:00 is listed, not mixed in."""

from __future__ import annotations

import pytest
import time_machine

from reporting.models import DailyReport
from tests.reporting.excel_support import (
    COMMUNES,
    CORRECTIONS,
    DISTRICTS,
    FIRST_ROW,
    LATE,
    SHEETS,
    SUMMARY,
    D,
    all_values,
    at,
    export,
    row_named,
    rows,
    submit,
    token_client,
    workbook,
)

NEXT_MORNING = at(D, 9).replace(day=21)


@pytest.fixture
def corrected_day(lan, hoa, tuan, minh, thao):
    """Phường I reports at 10:00 and corrects at 16:00; Phường Ngã Bảy first reports at 16:30."""
    submit(lan, "31318", D, at(D, 10), residents_installed=100)
    submit(hoa, "31333", D, at(D, 14, 59, 59), residents_installed=200)
    return {"lan": lan, "tuan": tuan, "thao": thao}


def _export(user, when, **params):
    with time_machine.travel(when, tick=False):
        client = token_client(user)
        response = export(client, date=D.isoformat(), **params)
        # The export's default instant is the deadline; the progress API's is now: ask for the same one.
        progress = client.get("/api/v1/progress/", {"date": D.isoformat(), "as_at": "deadline", **params}).json()
    assert response.status_code == 200
    return workbook(response), progress


def _corrections(wb) -> list[list]:
    return [r for r in rows(wb[CORRECTIONS]) if isinstance(r[0], int)]


def test_a_correction_at_16h_leaves_the_15h_export_unchanged(corrected_day, thao, lan, tuan):
    before, _progress = _export(thao, at(D, 15, 30))
    submit(lan, "31318", D, at(D, 16), residents_installed=150, note="Rà soát lại")
    submit(tuan, "31340", D, at(D, 16, 30), residents_installed=300, late_reason="Mất mạng")
    after, progress = _export(thao, NEXT_MORNING)

    for title in SHEETS:
        if title != CORRECTIONS:
            assert all_values(after[title]) == all_values(before[title]), title
    assert row_named(after[COMMUNES], "Phường I")[3] == 100
    assert row_named(after[DISTRICTS], "Thành phố Vị Thanh")[3] == 300 == next(
        d["installed"] for d in progress["districts"] if d["code"] == "930")
    assert row_named(after[LATE], "Phường Ngã Bảy")[4] == "Chưa báo cáo"

    assert not _corrections(before)
    listed = _corrections(after)
    assert [(r[2], r[4]) for r in listed] == [("31318", "Sửa số liệu (lần 2)"), ("31340", "Báo cáo lần đầu (trễ hạn)")]
    correction = listed[0]
    assert correction[5].strftime("%d/%m/%Y %H:%M") == "20/08/2020 16:00" and correction[6] == "lan"
    assert correction[8] == 150 and correction[12] == "Số người dân đã cài đặt: 100 → 150"
    assert correction[13] == "Rà soát lại"
    assert listed[1][8] == 300 and listed[1][14] == "Mất mạng"
    assert "không tính vào số liệu lúc 15 giờ 00" in after[CORRECTIONS]["A6"].value


def test_as_at_now_shows_the_same_workbook_with_everything_known(corrected_day, thao, lan, tuan):
    submit(lan, "31318", D, at(D, 16), residents_installed=150)
    submit(tuan, "31340", D, at(D, 16, 30), residents_installed=300, late_reason="Mất mạng")
    wb, progress = _export(thao, NEXT_MORNING, as_at="now")
    assert wb.sheetnames == SHEETS
    assert row_named(wb[COMMUNES], "Phường I")[3] == 150
    assert row_named(wb[DISTRICTS], "Thành phố Vị Thanh")[3] == 350
    assert progress["province"]["reported_installed"] == 650
    assert row_named(wb[DISTRICTS], "Toàn tỉnh (tổng hợp từ báo cáo)")[3] == 650
    late = row_named(wb[LATE], "Phường Ngã Bảy")
    assert late[4] == "Trễ hạn" and late[7] == "Mất mạng"
    assert len(_corrections(wb)) == 2
    assert "đã tính vào số liệu cập nhật" in wb[CORRECTIONS]["A6"].value
    assert wb[SUMMARY]["A5"].value == "Số liệu cập nhật lúc 09 giờ 00 ngày 21/08/2020 (số liệu của ngày 20/08/2020)"


def test_14h59m59_is_in_the_snapshot_and_15h00m00_is_listed_after_it(corrected_day, thao, minh):
    submit(minh, "31321", D, at(D, 15, 0, 0), residents_installed=70)
    assert DailyReport.objects.get(unit__code="31321", date=D).on_time is False
    wb, progress = _export(thao, NEXT_MORNING)
    assert row_named(wb[COMMUNES], "Xã Vị Tân")[3] == 200  # 14:59:59: in
    assert row_named(wb[COMMUNES], "Phường III")[3] == 0  # 15:00:00: out of the numbers …
    assert [r[2] for r in _corrections(wb)] == ["31321"]  # … and on the corrections sheet
    assert progress["province"]["reported_installed"] == 300


def test_before_the_deadline_the_deadline_view_says_it_is_not_final(corrected_day, thao):
    wb, _progress = _export(thao, at(D, 14, 0), as_at="deadline")
    assert wb[SUMMARY]["A5"].value == "Số liệu cập nhật lúc 14 giờ 00 ngày 20/08/2020 — chưa đến hạn báo cáo 15 giờ 00"
    assert row_named(wb[COMMUNES], "Phường I")[3] == 100
    status = row_named(wb[LATE], "Phường III")[4]
    assert status == "Chưa đến hạn"  # the one status vocabulary (reporting.watch.compliance.ReportStatus)
    assert wb[DISTRICTS].cell(row=FIRST_ROW, column=2).value == "Thành phố Vị Thanh"
