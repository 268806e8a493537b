"""Helpers shared by the Excel tests: a small day of reports, fetching and reading workbooks."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from reporting.intake.services import report_submit
from reporting.models import Channel
from tests.conftest import local
from units.models import Unit, User

D = dt.date(2020, 8, 20)
PREV = D - dt.timedelta(days=1)
HEADER_ROW, FIRST_ROW = 8, 9
SHEETS = [
    "Tổng hợp", "Huyện, thị xã, thành phố", "Xã, phường, thị trấn", "Cơ quan, đơn vị", "Chưa báo cáo, trễ hạn",
    "Diễn biến theo ngày", "Cập nhật sau 15 giờ", "Cảnh báo số liệu",
]
SUMMARY, DISTRICTS, COMMUNES, AGENCIES, LATE, TREND, CORRECTIONS, QUALITY = SHEETS


def at(day: dt.date, hh: int, mm: int = 0, ss: int = 0) -> dt.datetime:
    return local(day.year, day.month, day.day, hh, mm, ss)


def submit(user: User, code: str, day: dt.date, when: dt.datetime, *, late_reason: str | None = None, **values):
    return report_submit(user=user, unit=Unit.objects.get(code=code), day=day, values=values, now=when,
                         channel=Channel.WEB, late_reason=late_reason)


def seed_day(*, lan, hoa, tuan, minh, dung, thao) -> None:
    """Two days of reports in two districts, an agency and the official figure; all before 15:00 on D."""
    submit(lan, "31318", PREV, at(PREV, 9), residents_installed=800, staff_installed=20)
    submit(lan, "31318", D, at(D, 9), residents_installed=1000, staff_installed=25, family_installed=40)
    submit(hoa, "31333", D, at(D, 10), residents_installed=2000)
    submit(minh, "930", D, at(D, 11), staff_installed=150, family_installed=300)
    submit(tuan, "31340", D, at(D, 14, 59, 59), residents_installed=3000)
    submit(dung, "SYT", D, at(D, 8), staff_installed=250, family_installed=500, assisted_installs=120)
    submit(thao, "93", D, at(D, 8, 30), residents_installed=130000)


def token_client(user: User) -> APIClient:
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def workbook(response):
    """The answer's workbook, opened fully (styles, views, print setup) as a user's program would."""
    return load_workbook(io.BytesIO(body(response)))


def export(client, **params):
    return client.get("/api/v1/exports/daily.xlsx", params)


def rows(ws, first: int = FIRST_ROW) -> list[list]:
    return [list(r) for r in ws.iter_rows(min_row=first, values_only=True)]


def row_named(ws, name: str, column: int = 2) -> list | None:
    """The first table row whose column (1-based) holds `name`."""
    for row in ws.iter_rows(min_row=FIRST_ROW):
        if row[column - 1].value == name:
            return [c.value for c in row]
    return None


def all_values(ws) -> list[tuple]:
    return [tuple(r) for r in ws.iter_rows(values_only=True)]
