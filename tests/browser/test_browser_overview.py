"""A DIC reviewer signs in and sees the province overview with the chart drawn by Chart.js."""

from __future__ import annotations

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.reporting import dashboard_support

pytestmark = pytest.mark.browser

history = dashboard_support.history

CHART_DRAWN = """() => {
  const canvas = document.getElementById('progress-chart');
  const chart = window.Chart && Chart.getChart(canvas);
  return chart !== undefined && chart.data.datasets[0].data.some(v => v !== null);
}"""


def test_reviewer_sees_the_overview_with_the_chart_drawn(visit, history, thao):
    browser = visit(DESKTOP)
    browser.login("thao")
    assert browser.page.url.endswith("/tong-quan/")  # home sends DIC to the overview
    browser.goto("/tong-quan/?date=2020-08-20")
    browser.page.wait_for_function(CHART_DRAWN, timeout=10_000)
    box = browser.page.locator("#progress-chart").bounding_box()
    assert box["width"] > 300 and box["height"] > 200
    assert browser.page.locator('[data-figure="official_installed"]').inner_text() == "110.000"
    assert browser.page.locator("table.district-ranking tbody tr").count() == 8
    assert browser.errors == []
    browser.screenshot("overview_desktop")


def test_overview_reads_on_a_phone(visit, history, thao):
    browser = visit(PHONE)
    browser.login("thao")
    browser.goto("/tong-quan/?date=2020-08-20")
    browser.page.wait_for_function(CHART_DRAWN, timeout=10_000)
    assert browser.page.locator("#progress-chart").bounding_box()["width"] > 250
    assert browser.fits_width(), "the overview scrolls sideways at 360 px"
    browser.screenshot("overview_phone")


def test_district_drill_down_from_the_ranking(visit, history, thao):
    browser = visit(PHONE)
    browser.login("thao")
    browser.goto("/tong-quan/?date=2020-08-20")
    with browser.page.expect_navigation():
        browser.page.locator("table.district-ranking a", has_text="Thành phố Vị Thanh").click()
    assert "/tong-quan/huyen/930/" in browser.page.url
    assert browser.page.locator("table.commune-table tbody tr").count() == 9
    assert browser.fits_width()
    browser.screenshot("district_930_phone")
