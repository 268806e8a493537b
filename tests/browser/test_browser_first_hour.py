"""Each role's first hour, in Chromium, on a 360-px phone and at 1366 px.

Every walk signs in, opens every menu entry (and the dashboard tabs) in
Vietnamese, switches to English from the header and opens them all again,
then, back in Vietnamese, does the role's main job. It fails on a dead end (an error status, or a
page whose only content says the account may not use it), a 403 behind a
visible link, a page wider than the screen, or a string left in the other
language. With BLUEZONE_SCREENSHOTS set, the walks also save the README's
screenshots there (`make screenshots`).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from reporting.models import DailyReport, MissedDeadline
from reporting.watch.flagging import missed_deadlines_flag
from reporting.watch.heartbeat import heartbeat_record
from tests.browser.conftest import PHONE, publish_screenshot
from tests.conftest import local
from tests.reporting import dashboard_support
from units.models import Unit

pytestmark = pytest.mark.browser

DESKTOP_1366 = {"width": 1366, "height": 900}
SIZES = {"phone": PHONE, "desktop": DESKTOP_1366}
D20 = dashboard_support.D20

history = dashboard_support.history

# Pages whose whole message is "not for you": a menu must never lead there (msgids; checked in both languages).
DEAD_ENDS = (
    "Tài khoản của bạn không được nhập số liệu.",
    "Tài khoản của bạn chỉ được xem số liệu.",
    "Chỉ cán bộ Sở Thông tin và Truyền thông nhập số liệu chính thức.",
    "Bạn không có quyền xem trang này.",
)
VIETNAMESE_LETTERS = re.compile(
    "[ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
    "ÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ]"
)
# Words of English that Vietnamese text never uses (short Vietnamese words such as "to" or "do" are left out).
ENGLISH_WORDS = re.compile(r"\b(the|and|of|is|are|this|that|field|required|please|enter|report|reports|page|"
                           r"with|from|your|you|not|must|day|date|figures?)\b", re.IGNORECASE)
# What stays in Vietnamese in an English page: names (units, the language switch) and text people typed.
KEPT_NAMES = ("Tiếng Việt", "Tổ công tác xã", "Số liệu Bộ TT&TT", "Mất điện cả ngày")
KEPT_ENGLISH = ("English",)
# A table wider than its card may scroll inside it, but must say so (the hint table_scroll.js puts before it).
SILENT_SCROLLERS = """() => [...document.querySelectorAll('.table-wrap')].filter(w => w.scrollWidth > w.clientWidth + 1
  && !(w.previousElementSibling && w.previousElementSibling.classList.contains('scroll-hint'))).length"""
AMBER = "rgb(255, 241, 214)"  # --late-bg: the one warning background
PAGE_TEXT = "() => document.querySelector('main').innerText + '\\n' + document.querySelector('header').innerText"


@pytest.fixture
def world(history, minh, quang):
    """The dashboard history (18–20 Aug) and the missed deadlines of the 20th, flagged at 16:00 that day."""
    missed_deadlines_flag(campaign=history, day=D20, now=local(2020, 8, 20, 16, 0))
    heartbeat_record(result={})  # the deadline watch is alive, as in a running portal
    return history


def _unit_names() -> list[str]:
    # Longest first, so "Thành phố Vị Thanh" goes before a shorter name it contains.
    return sorted(Unit.objects.values_list("name", flat=True), key=len, reverse=True)


def _untranslated(text: str, language: str, names: list[str]) -> list[str]:
    found = []
    for line in text.splitlines():
        rest = line
        if language == "en":
            for name in (*names, *KEPT_NAMES):
                rest = rest.replace(name, "")
            if VIETNAMESE_LETTERS.search(rest):
                found.append(line.strip())
        else:
            for word in KEPT_ENGLISH:
                rest = rest.replace(word, "")
            if ENGLISH_WORDS.search(rest):
                found.append(line.strip())
    return found


class Walk:
    """One role's visit: every check made on every page it opens."""

    def __init__(self, browser, size: str):
        self.browser, self.size, self.page = browser, size, browser.page
        self.language = "vi"
        self.names = _unit_names()
        self.problems: list[str] = []

    def check(self, where: str, status: int | None = 200) -> None:
        page = self.page
        if status is not None and status != 200:
            self.problems.append(f"{where}: answered {status}")
        if not self.browser.fits_width():
            width = page.evaluate("document.documentElement.scrollWidth")
            self.problems.append(f"{where}: page is {width} px wide at {page.viewport_size['width']} px")
        silent = page.evaluate(SILENT_SCROLLERS)
        if silent:
            self.problems.append(f"{where}: {silent} table(s) scroll sideways without saying so")
        text = page.evaluate(PAGE_TEXT)
        with translation.override(self.language):
            for message in DEAD_ENDS:
                if gettext(message) in text:
                    self.problems.append(f"{where}: dead end “{gettext(message)}”")
        for line in _untranslated(text, self.language, self.names):
            self.problems.append(f"{where} [{self.language}]: untranslated “{line[:120]}”")

    def open(self, href: str, where: str) -> None:
        response = self.page.goto(href)
        self.check(where, response.status if response else None)

    def menu(self) -> list[tuple[str, str]]:
        links = self.page.locator("nav.nav a")
        return [(links.nth(i).get_attribute("href"), links.nth(i).inner_text()) for i in range(links.count())]

    def every_menu_item(self) -> list[str]:
        """Open each menu entry and each dashboard tab; returns the menu's labels."""
        items = self.menu()
        for href, label in items:
            self.open(self.browser.base_url + href, f"menu “{label}”")
            tabs = self.page.locator("nav.dash-tabs a")
            for i in range(tabs.count()):
                tab_href, tab_label = tabs.nth(i).get_attribute("href"), tabs.nth(i).inner_text()
                if tab_href.split("?")[0] != href:
                    self.open(self.browser.base_url + tab_href, f"menu “{label}” → tab “{tab_label}”")
        return [label for _href, label in items]

    def switch_language(self, code: str) -> None:
        """With the header's button, as a user would."""
        with self.page.expect_navigation():
            self.page.locator(f"form.lang button[value={code}]").click()
        self.language = code
        assert self.page.locator("html").get_attribute("lang") == code

    def first_hour(self, username: str) -> tuple[list[str], list[str]]:
        """Sign in, every menu item in Vietnamese, then in English; back to Vietnamese for the main job."""
        self.browser.login(username)
        self.check("home after login")
        vietnamese = self.every_menu_item()
        self.switch_language("en")
        english = self.every_menu_item()
        assert len(english) == len(vietnamese)
        self.switch_language("vi")
        return vietnamese, english

    def assert_clean(self) -> None:
        assert self.problems == [], "\n".join(self.problems)
        assert self.browser.errors == [], self.browser.errors

    def submit(self, button: str) -> None:
        with self.page.expect_navigation():
            self.page.locator("main form button[type=submit]", has_text=button).first.click()
        self.check(f"after “{button}”")


@pytest.fixture(params=list(SIZES))
def walk(request, visit, world):
    size = request.param
    return Walk(visit(SIZES[size]), size)


def test_commune_reporter_reports_the_day_and_reads_its_receipt(walk):
    menu, _english = walk.first_hour("lan")
    assert menu == ["Báo cáo hôm nay", "Lịch sử báo cáo", "Tổng quan", "Chưa báo cáo", "Câu hỏi về số liệu", "Xuất Excel", "Nhập Excel"]
    walk.open(walk.browser.base_url + "/bao-cao/?ngay=2020-08-21", "form of the 21st")
    page = walk.page
    page.fill("input[name=residents_installed]", "1.600")
    page.fill("textarea[name=note]", "Tổ công tác xã")
    if walk.size == "phone":
        publish_screenshot(page, "phone-form")
    walk.submit("Gửi báo cáo")
    assert "/bao-cao/bien-nhan/" in page.url
    if walk.size == "phone":
        publish_screenshot(page, "receipt")
    walk.assert_clean()
    assert DailyReport.objects.get(unit__code="31318", date=dt.date(2020, 8, 21)).residents_installed == 1600


def test_district_reporter_reports_for_one_of_its_communes(walk):
    menu, _english = walk.first_hour("minh")
    assert "Nhập Excel" in menu and "Số liệu chính thức" not in menu
    walk.open(walk.browser.base_url + "/bao-cao/?ngay=2020-08-21", "district form of the 21st")
    page = walk.page
    with page.expect_navigation():
        page.locator("main a", has_text="Phường III").first.click()
    walk.check("commune form")
    page.fill("input[name=residents_installed]", "800")
    walk.submit("Gửi báo cáo")
    assert "/bao-cao/bien-nhan/" in page.url
    walk.assert_clean()
    assert DailyReport.objects.get(unit__code="31321", date=dt.date(2020, 8, 21)).residents_installed == 800


def test_agency_reporter_reports_its_staff_and_families(walk):
    menu, _english = walk.first_hour("dung")
    assert menu[0] == "Báo cáo hôm nay" and "Số liệu chính thức" not in menu
    walk.open(walk.browser.base_url + "/tong-quan/", "own overview")
    assert "Sở Y tế" in walk.page.locator("h1").inner_text()
    walk.open(walk.browser.base_url + "/bao-cao/?ngay=2020-08-21", "agency form of the 21st")
    page = walk.page
    page.fill("input[name=staff_installed]", "250")
    page.fill("input[name=family_installed]", "520")
    walk.submit("Gửi báo cáo")
    assert "/bao-cao/bien-nhan/" in page.url
    walk.assert_clean()
    report = DailyReport.objects.get(unit__code="SYT", date=dt.date(2020, 8, 21))
    assert (report.staff_installed, report.family_installed) == (250, 520)


def test_reviewer_enters_the_official_figure_excuses_a_unit_and_downloads_the_workbook(walk):
    menu, _english = walk.first_hour("thao")
    assert menu == ["Số liệu chính thức", "Tổng quan", "Chưa báo cáo", "Câu hỏi về số liệu", "Lịch sử báo cáo", "Xuất Excel",
                    "Nhập Excel"]
    base, page = walk.browser.base_url, walk.page
    walk.open(base + "/so-lieu-chinh-thuc/?ngay=2020-08-21", "official figure of the 21st")
    page.fill("input[name=residents_installed]", "125.000")
    page.fill("textarea[name=note]", "Số liệu Bộ TT&TT")
    walk.submit("Lưu số liệu chính thức")
    assert DailyReport.objects.get(unit__code="93", date=dt.date(2020, 8, 21)).residents_installed == 125_000
    # A lower figure than the day before is saved with a warning, which looks like every other warning.
    page.fill("input[name=residents_installed]", "100.000")
    walk.submit("Lưu số liệu chính thức")
    warning = page.locator("li.msg-warning").first
    assert warning.is_visible()
    assert warning.evaluate("e => getComputedStyle(e).backgroundColor") == AMBER

    walk.open(base + "/tong-quan/?date=2020-08-20", "province overview")
    if walk.size == "desktop":
        page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('progress-chart'))")
        publish_screenshot(page, "province-dashboard")
    walk.open(base + "/tong-quan/tuan-thu/?date=2020-08-20", "compliance board")
    _assert_board_opens_on_the_day_with_whole_columns(walk)

    walk.open(base + "/chua-bao-cao/?date=2020-08-20", "missing board")
    if walk.size == "desktop":
        publish_screenshot(page, "missing-board")
    row = page.locator("table.flags tr[data-code='31321']")
    row.locator("summary").click()
    assert row.locator("label", has_text="(bắt buộc)").is_visible()  # marked before anything is refused
    row.locator("textarea[name=reason]").fill("Mất điện cả ngày")
    with page.expect_navigation():
        row.locator("button[type=submit]").click()
    walk.check("after the excuse")
    assert MissedDeadline.objects.get(unit__code="31321", date=D20).excused

    walk.open(base + "/xuat-excel/", "Excel export page")
    if walk.size == "desktop":
        publish_screenshot(page, "workbook-page")
    with page.expect_download() as download:
        page.locator("main form button[type=submit]").first.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    walk.assert_clean()


def test_viewer_reads_everything_and_is_offered_nothing_that_writes(walk):
    menu, english = walk.first_hour("quang")
    assert menu == ["Số liệu chính thức", "Tổng quan", "Chưa báo cáo", "Câu hỏi về số liệu", "Lịch sử báo cáo",
                    "Xuất Excel"]
    assert "Excel import" not in english and not any("Import" in label for label in english)
    base, page = walk.browser.base_url, walk.page
    walk.open(base + "/so-lieu-chinh-thuc/?ngay=2020-08-20", "official figure")
    assert page.locator("#official .value").inner_text() == "110.000"
    walk.open(base + "/chua-bao-cao/?date=2020-08-20", "missing board")
    for path in ("/so-lieu-chinh-thuc/", "/chua-bao-cao/?date=2020-08-20", "/tong-quan/?date=2020-08-20",
                 "/bao-cao/lich-su/"):
        walk.open(base + path, f"read-only {path}")
        # The only forms a viewer meets change the language or sign out; none writes figures.
        assert page.locator("main form[method=post]").count() == 0, f"{path} offers a form that writes"
    walk.open(base + "/xuat-excel/", "Excel export page")
    with page.expect_download() as download:
        page.locator("main form button[type=submit]").first.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    walk.assert_clean()


def _assert_board_opens_on_the_day_with_whole_columns(walk: Walk) -> None:
    """The chosen day's column is in view, and no day column is half hidden behind the unit column."""
    geometry = walk.page.evaluate("""() => {
      const wrap = document.querySelector('.grid-wrap');
      const box = wrap.getBoundingClientRect();
      const unit = wrap.querySelector('thead .unit-col').getBoundingClientRect();
      const chosen = wrap.querySelector('thead .chosen-day').getBoundingClientRect();
      const cut = [...wrap.querySelectorAll('thead .day-col')].map(th => th.getBoundingClientRect())
        .filter(r => r.left < unit.right - 1 && r.right > unit.right + 1).length;
      return {chosenRight: chosen.right, chosenLeft: chosen.left, right: box.right, unitRight: unit.right,
              unitWidth: unit.width, cut: cut};
    }""")
    assert geometry["chosenLeft"] >= geometry["unitRight"] - 1 and geometry["chosenRight"] <= geometry["right"] + 1, \
        geometry
    assert geometry["cut"] == 0, geometry
    assert geometry["unitWidth"] >= 100, geometry  # the unit names stay readable


def test_the_walk_notices_a_string_left_in_the_other_language():
    names = ["Phường I"]
    assert _untranslated("Phường I · Report history", "en", names) == []
    assert _untranslated("Phường I · Lịch sử báo cáo", "en", names) == ["Phường I · Lịch sử báo cáo"]
    assert _untranslated("Lịch sử báo cáo · English", "vi", names) == []
    assert _untranslated("This field is required.", "vi", names) == ["This field is required."]
