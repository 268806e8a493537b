"""A commune user submits the day's form on a 360 × 740 phone screen and gets the receipt."""

from __future__ import annotations

import pytest

from reporting.campaigns import campaign_default_day
from reporting.models import DailyReport
from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser


def test_commune_user_submits_todays_form_on_a_phone(visit, hau_giang, lan):
    browser = visit(PHONE)
    browser.login("lan")
    assert "/bao-cao/" in browser.page.url  # home sends a unit user to today's form
    assert browser.fits_width(), "the form scrolls sideways at 360 px"
    page = browser.page
    page.fill("input[name=residents_installed]", "1234")
    page.fill("input[name=family_installed]", "56")
    page.fill("input[name=assisted_installs]", "7")
    page.fill("textarea[name=note]", "Báo cáo thử từ điện thoại")
    browser.screenshot("report_form_phone")
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi báo cáo").click()
    assert page.get_by_role("heading", name="Biên nhận báo cáo").is_visible()
    assert "1.234" in page.content() or "1,234" in page.content()
    assert browser.fits_width()
    browser.screenshot("report_receipt_phone")
    day = campaign_default_day(campaign=hau_giang)
    report = DailyReport.objects.get(unit__code="31318", date=day)
    assert (report.residents_installed, report.family_installed, report.assisted_installs) == (1234, 56, 7)
    assert browser.errors == []
