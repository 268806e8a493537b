"""No request leaves this machine: every page loads its scripts, styles and data from the portal itself."""

from __future__ import annotations

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.reporting import dashboard_support

pytestmark = pytest.mark.browser

history = dashboard_support.history

DASHBOARDS = {
    "overview": "/tong-quan/?date=2020-08-20",
    "district": "/tong-quan/huyen/931/?date=2020-08-20&as_at=deadline",
    "agencies": "/tong-quan/co-quan/?date=2020-08-20",
    "compliance": "/tong-quan/tuan-thu/?date=2020-08-20",
    "lagging": "/tong-quan/cham-tien-do/?date=2020-08-20",
    "api_docs": "/api/docs/",
}


def test_no_request_leaves_127_0_0_1(visit, history, thao, lan):
    reviewer = visit(DESKTOP)
    reviewer.login("thao")
    for name, path in DASHBOARDS.items():
        response = reviewer.goto(path)
        assert response.status == 200, path
        reviewer.page.wait_for_load_state("networkidle")
        if name == "api_docs":  # Swagger UI starts from its own script file: the CSP forbids inline scripts
            reviewer.page.wait_for_selector(".swagger-ui .info", timeout=10_000)
        reviewer.screenshot(f"{name}_desktop")

    public = visit(PHONE)
    assert public.goto("/cong-khai/?date=2020-08-20").status == 200
    public.page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('progress-chart'))")
    assert public.fits_width()
    public.screenshot("public_phone")

    unit_user = visit(PHONE)
    unit_user.login("lan")
    for name, path in (("report_form", "/bao-cao/"), ("own_commune", "/tong-quan/huyen/930/?date=2020-08-20")):
        assert unit_user.goto(path).status == 200
        unit_user.page.wait_for_load_state("networkidle")
        unit_user.screenshot(f"{name}_reporter_phone")

    visits = (reviewer, public, unit_user)
    assert all(len(v.requests) > 3 for v in visits)
    assert any("/static/vendor/chartjs/chart.umd.min.js" in url for url in reviewer.requests)
    assert [url for v in visits for url in v.foreign_requests()] == []
    assert [error for v in visits for error in v.errors] == []
