"""A small campaign history for the dashboard tests (pages, API, public page).

18–20 Aug 2020: three communes of two districts report each morning, DIC
records the official figure; on the 20th Lan corrects Phường I at 16:00,
after the deadline, so the 15:00 snapshot and "now" differ by exactly that
correction.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from reporting.intake.services import report_submit
from tests.conftest import local
from units.models import Unit, User

D18, D19, D20 = (dt.date(2020, 8, d) for d in (18, 19, 20))
# Phường I (31318) before and after Lan's 16:00 correction on the 20th.
PHUONG_I_AT_15H, PHUONG_I_AT_16H = 1300, 1450


def submit(user: User, code: str, day: dt.date, at: dt.datetime, **values) -> None:
    with time_machine.travel(at, tick=False):
        report_submit(user=user, unit=Unit.objects.get(code=code), day=day, values=values)


@pytest.fixture
def history(hau_giang, lan, hoa, tuan, thao, dung):
    for offset, day in enumerate((D18, D19, D20)):
        morning = local(2020, 8, day.day, 9, 30)
        submit(lan, "31318", day, morning, residents_installed=1000 + 150 * offset)
        submit(hoa, "31333", day, morning, residents_installed=2000 + 300 * offset)
        submit(tuan, "31340", day, morning, residents_installed=500 + 100 * offset)
        submit(dung, "SYT", day, morning, staff_installed=200 + 20 * offset, family_installed=400 + 50 * offset)
        submit(thao, "93", day, local(2020, 8, day.day, 8, 0), residents_installed=90_000 + 10_000 * offset)
    submit(lan, "31318", D20, local(2020, 8, 20, 16, 0), residents_installed=PHUONG_I_AT_16H)
    return hau_giang


def data_codes(html: str, table_class: str) -> list[str]:
    """The data-code of each row of the table with that class, in page order."""
    match = re.search(rf'<table class="{table_class}">(.*?)</table>', html, re.S)
    assert match, f"no table.{table_class} on the page"
    return re.findall(r'<tr data-code="([^"]+)"', match.group(1))


def figure(html: str, name: str) -> str:
    """The text of the element marked data-figure="name"."""
    match = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert match, f"no data-figure={name} on the page"
    return match.group(1).strip()
