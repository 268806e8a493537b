"""DIC's wall board moves by itself: a report sent through the API by another client shows within 10 seconds.

The reviewer's place on the page (scroll position, an excuse form half typed) survives the update, and while
nothing changes the board's polls are answered 304.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.request

import pytest
from rest_framework.authtoken.models import Token

from reporting.watch.flagging import missed_deadlines_flag
from tests.browser.conftest import DESKTOP
from tests.reporting.flag_support import after_deadline

pytestmark = pytest.mark.browser

DAY = "2020-08-20"
BOARD = f"/chua-bao-cao/?date={DAY}"


def _api_put(base_url: str, token: str, code: str, body: dict) -> int:
    request = urllib.request.Request(
        f"{base_url}/api/v1/units/{code}/reports/{DAY}/", data=json.dumps(body).encode(), method="PUT",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def _row_status(page, code: str) -> str:
    return page.locator(f'table.flags tr[data-code="{code}"]').get_attribute("data-status")


def test_board_shows_an_api_report_within_ten_seconds_keeping_the_readers_place(visit, live_server, hau_giang,
                                                                                   thao, lan):
    missed_deadlines_flag(now=after_deadline(dt.date(2020, 8, 20)))
    browser = visit({"width": DESKTOP["width"], "height": 500})
    page = browser.page
    statuses: list[int] = []
    page.on("response", lambda r: statuses.append(r.status) if "/chua-bao-cao/" in r.url else None)
    browser.login("thao")
    browser.goto(BOARD)
    assert _row_status(page, "31318") == "missing"
    page.evaluate("window.__samePage = true")

    # Nothing changes: the poll is answered 304.
    page.wait_for_function("() => window.bluezoneLive && window.bluezoneLive.notModified >= 1", timeout=15_000)
    assert 304 in statuses

    # The reviewer starts an excuse for another unit, further down, and scrolls there.
    row = page.locator('table.flags tr[data-code="31333"]')
    row.scroll_into_view_if_needed()
    row.locator("summary").click()
    row.locator("textarea").fill("Xã báo mất điện từ trưa")
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 0

    status = _api_put(live_server.url, Token.objects.get(user=lan).key, "31318", {"residents_installed": 1200})
    assert status == 201
    page.wait_for_function(
        """() => document.querySelector('table.flags tr[data-code="31318"]').dataset.status === 'late'""",
        timeout=10_000,
    )
    assert page.evaluate("window.__samePage") is True, "the page was reloaded"
    assert row.locator("textarea").input_value() == "Xã báo mất điện từ trưa"
    assert row.locator("details").get_attribute("open") is not None
    assert abs(page.evaluate("window.scrollY") - scrolled) < 40
    assert page.locator('[data-live-region="stats"] .value[data-status="late"]').inner_text() == "1"
    assert browser.errors == []
    browser.screenshot("live_board_desktop")


def test_overview_polls_with_304_and_stops_while_the_tab_is_hidden(visit, hau_giang, thao):
    browser = visit(DESKTOP)
    page = browser.page
    browser.login("thao")
    browser.goto(f"/tong-quan/?date={DAY}")
    page.wait_for_function("() => window.bluezoneLive && window.bluezoneLive.notModified >= 1", timeout=15_000)
    assert page.locator("[data-frozen]").is_visible()  # the day's 15:00 is long past
    # Hidden tab: no poll at all.
    page.evaluate("""() => {
        Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});
        document.dispatchEvent(new Event('visibilitychange'));
    }""")
    polls = page.evaluate("window.bluezoneLive.polls")
    page.wait_for_timeout(7_000)
    assert page.evaluate("window.bluezoneLive.polls") == polls
    assert "Tạm dừng" in page.locator("[data-live-status]").inner_text()
    page.evaluate("""() => {
        Object.defineProperty(document, 'visibilityState', {value: 'visible', configurable: true});
        document.dispatchEvent(new Event('visibilitychange'));
    }""")
    page.wait_for_function(f"() => window.bluezoneLive.polls > {polls}", timeout=5_000)
    assert browser.errors == []


def test_board_works_without_javascript(chromium, live_server, hau_giang, thao):
    from tests.browser.conftest import Visit

    browser = Visit(chromium, live_server.url, DESKTOP)
    browser.context.close()
    browser.context = chromium.new_context(java_script_enabled=False, locale="vi-VN")
    browser.page = browser.context.new_page()
    try:
        browser.login("thao")
        browser.goto(BOARD)
        assert browser.page.locator('table.flags tr[data-code="31318"]').count() == 1
        assert browser.page.locator("[data-frozen]").is_visible()
    finally:
        browser.context.close()
