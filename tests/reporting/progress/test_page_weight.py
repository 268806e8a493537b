"""The heaviest Hau Giang pages weigh little over the wire: compressed, on the demo campaign's full history."""

from __future__ import annotations

import gzip
import random

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from reporting.demo import demo_accounts_ensure, demo_history_load, demo_staff_totals
from tests.conftest import local

LIMIT = 40_000  # bytes a phone downloads for one page


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["dashboard_compliance", "flags_board", "dashboard_overview"])
def test_the_heaviest_pages_are_compressed_under_40_kb(campaign, thao, page):
    with time_machine.travel(local(2020, 8, 29, 16), tick=False):
        demo_accounts_ensure()  # what `manage.py load_demo` does
        demo_staff_totals(rng=random.Random(2020))
        demo_history_load()
        web = Client()
        web.force_login(thao)
        answer = web.get(reverse(page), HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert answer.status_code == 200
    assert answer["Content-Encoding"] == "gzip"
    body = answer.content
    html = gzip.decompress(body)
    assert b"</html>" in html and len(html) > len(body)  # a real page, really compressed
    print(f"{page}: {len(body):,} bytes compressed ({len(html):,} raw)")
    assert len(body) <= LIMIT, f"{page}: {len(body):,} bytes compressed ({len(html):,} raw)"


@pytest.mark.django_db
def test_a_client_that_does_not_ask_for_gzip_gets_plain_html(campaign, thao):
    web = Client()
    web.force_login(thao)
    answer = web.get(reverse("dashboard_overview"))
    assert answer.status_code == 200 and not answer.has_header("Content-Encoding")


@pytest.mark.django_db
def test_a_workbook_is_not_compressed_twice(campaign, thao):
    web = Client()
    web.force_login(thao)
    answer = web.get("/api/v1/exports/daily.xlsx", {"date": "2020-08-20"}, HTTP_ACCEPT_ENCODING="gzip")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not answer.has_header("Content-Encoding")
