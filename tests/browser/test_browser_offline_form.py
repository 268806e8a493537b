"""A phone form that survives a lost signal (issue 16), in Chromium on a 360-px phone.

The phone goes offline (the context's offline mode reaches the service worker's own requests: see
conftest.launched_chromium), the clerk submits, the page says "chưa gửi — chưa được ghi nhận" and the portal has
nothing; the signal returns and the report is received once, with the receipt shown — even when two tabs send it.
Near 15:00 with no signal the form says that the server's arrival counts, and the receipt shows that it did. A post
that fails with the phone believing it is online comes back as not sent. At logout the phone is warned about an
unsent report, then nothing of the user's is left: no cached page, no kept report, no worker.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import time_machine
from playwright.sync_api import Error as PlaywrightError

from reporting.models import DailyReport, ReportRevision
from tests.browser.conftest import PHONE, launched_chromium, publish_screenshot
from tests.conftest import local

pytestmark = pytest.mark.browser

DAY = "2020-08-21"
FORM = f"/bao-cao/?ngay={DAY}"
NOT_SENT = "Chưa gửi — chưa được ghi nhận"
ZONE = "Asia/Ho_Chi_Minh"  # the phone's clock, as in Hau Giang
KEPT = """async () => {
  for (let i = 0; i < 100; i++) {
    const names = (await caches.keys()).filter(n => n.startsWith('bluezone-pages-'));
    if (names.length === 1 && await (await caches.open(names[0])).match(location.href)) return names[0];
    await new Promise(r => setTimeout(r, 100));
  }
  return null;
}"""
PENDING = """() => Object.keys(localStorage).filter(k => k.startsWith('bluezone.pending.'))
  .map(k => JSON.parse(localStorage.getItem(k))).flat()"""
LEFT_BEHIND = """async () => ({
  caches: await caches.keys(),
  storage: Object.keys(localStorage).filter(k => k.startsWith('bluezone.')),
  workers: (await navigator.serviceWorker.getRegistrations()).length,
})"""


@pytest.fixture(scope="module")
def chromium():
    with launched_chromium(service_worker_network=True) as browser:
        yield browser


def _form_kept(browser, path: str = FORM) -> str:
    """Open `path` and wait until the worker controls the page and keeps the form; the cache's name."""
    page = browser.page
    browser.goto(path)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        # Installed while this page was still loading (right after the login's redirect): it controls the next one.
        page.reload()
    page.wait_for_function("() => !!navigator.serviceWorker.controller", timeout=15_000)
    name = page.evaluate(KEPT)
    assert name, "the form was not kept for offline use"
    return name


def _revisions(code: str = "31318") -> int:
    return ReportRevision.objects.filter(unit__code=code, date=DAY).count()


def _type_report(page, residents: str = "1.600", note: str = "Tổ công tác xã") -> None:
    page.fill("input[name=residents_installed]", residents)
    page.fill("textarea[name=note]", note)
    page.get_by_role("button", name="Gửi báo cáo").click()


def test_a_report_typed_offline_is_kept_as_not_sent_and_received_once_when_the_signal_returns(visit, lan):
    browser = visit(PHONE, timezone_id=ZONE)
    page, context = browser.page, browser.context
    browser.login("lan")
    _form_kept(browser)

    context.set_offline(True)
    response = page.reload()
    assert response.from_service_worker, "offline, the form comes from the worker's cache"
    assert page.locator("h1").inner_text() == "Báo cáo ngày" and "Phường I" in page.inner_text("main")
    assert page.locator("[data-offline-note]").is_visible()
    _type_report(page)

    banner = page.locator("[data-pending]")
    banner.wait_for(state="visible")
    text = banner.inner_text()
    assert NOT_SENT in text and "21/08/2020" in text and "Số người dân đã cài đặt: 1.600" in text
    assert "Đang chờ có mạng để gửi." in text
    assert "/bao-cao/" in page.url and "bien-nhan" not in page.url
    assert "Đã ghi nhận" not in page.inner_text("main"), "the phone claims a receipt it does not have"
    assert _revisions() == 0 and not DailyReport.objects.filter(unit__code="31318", date=DAY).exists()
    publish_screenshot(page, "phone-offline", top="#form-title")

    # Kept through a reload with no signal, in a second tab too, and the form shows what waits.
    page.reload()
    assert NOT_SENT in page.locator("[data-pending]").inner_text()
    assert page.input_value("input[name=residents_installed]") == "1.600"
    [entry] = page.evaluate(PENDING)
    other = context.new_page()
    other.goto(browser.base_url + FORM)
    assert NOT_SENT in other.locator("[data-pending]").inner_text()

    # The signal returns: both tabs send the one kept report; the portal receives it once.
    context.set_offline(False)
    for tab in (page, other):
        tab.wait_for_url("**/bao-cao/bien-nhan/**", timeout=20_000)
        assert tab.get_by_role("heading", name="Biên nhận báo cáo").is_visible()
    assert page.url == other.url
    assert _revisions() == 1
    revision = ReportRevision.objects.get(unit__code="31318", date=DAY)
    assert (revision.residents_installed, revision.note, str(revision.submission_key)) == (
        1600, "Tổ công tác xã", entry["key"])
    # Both tabs posted it (each is on the receipt, which only a post leads to): the second copy was answered, not
    # saved. (The tabs share one session, so which tab shows which flash message is a race; the words are not.)
    messages = page.inner_text("main") + other.inner_text("main")
    assert "Báo cáo này đã được máy chủ ghi nhận lúc" in messages
    assert page.evaluate(PENDING) == [] and other.evaluate(PENDING) == []
    assert browser.errors == [] and browser.foreign_requests() == []


@pytest.mark.parametrize(("phone_time", "arrival", "notice", "verdict"), [
    (local(2020, 8, 21, 14, 52), local(2020, 8, 21, 14, 56), "sắp đến hạn 15:00", "Đúng hạn"),
    (local(2020, 8, 21, 14, 52), local(2020, 8, 21, 15, 3), "sắp đến hạn 15:00", "Trễ hạn"),
    (local(2020, 8, 21, 15, 1), local(2020, 8, 21, 15, 4), "đã quá hạn 15:00", "Trễ hạn"),
], ids=["typed-14h52-received-14h56", "typed-14h52-received-15h03", "typed-15h01-received-15h04"])
def test_near_the_deadline_offline_the_server_arrival_counts_and_the_form_says_so(
        visit, lan, phone_time, arrival, notice, verdict):
    browser = visit(PHONE, timezone_id=ZONE)
    page, context = browser.page, browser.context
    page.clock.set_fixed_time(phone_time)
    with time_machine.travel(local(2020, 8, 21, 14, 50), tick=True):
        browser.login("lan")
        _form_kept(browser)
        assert re.fullmatch(r"Còn (9|10) phút đến hạn 15:00", page.inner_text("#deadline"))
        assert page.locator("[data-offline-deadline]").is_hidden(), "online, nothing to warn about"
        context.set_offline(True)
        warning = page.locator("[data-offline-deadline]")
        warning.wait_for(state="visible")
        assert notice in warning.inner_text()
        assert "tính giờ từ lúc máy chủ nhận được, không phải lúc bạn nhập" in warning.inner_text()
        _type_report(page, residents="2.000")
        assert f"nhập lúc {phone_time:%H:%M}" in page.locator("[data-pending]").inner_text()
    with time_machine.travel(arrival, tick=True):
        context.set_offline(False)
        page.wait_for_url("**/bao-cao/bien-nhan/**", timeout=20_000)
        assert page.locator("td#submitted-at").inner_text().startswith(f"21/08/2020 {arrival:%H:%M}")
        assert verdict in page.inner_text("table.receipt")
    report = DailyReport.objects.get(unit__code="31318", date=DAY)
    assert report.on_time is (verdict == "Đúng hạn")
    assert report.first_submitted_at - arrival < dt.timedelta(seconds=30)
    assert browser.errors == []


def test_a_post_that_fails_while_the_phone_thinks_it_is_online_comes_back_as_not_sent(visit, lan):
    """Signal bars but no network: the worker brings the failed post back to the form, kept as not sent."""
    browser = visit(PHONE, timezone_id=ZONE)
    page, context = browser.page, browser.context
    browser.login("lan")
    _form_kept(browser)

    def drop_posts(route):
        if route.request.method == "POST":
            route.abort("internetdisconnected")
        else:
            route.continue_()

    context.route("**/bao-cao/**", drop_posts)
    assert page.evaluate("navigator.onLine") is True
    _type_report(page, residents="1.700")
    page.locator("[data-pending]").wait_for(state="visible")
    text = page.locator("[data-pending]").inner_text()
    assert NOT_SENT in text and "Số người dân đã cài đặt: 1.700" in text
    assert "Chưa gửi được" in text or "Đang gửi" in text
    assert _revisions() == 0

    context.unroute("**/bao-cao/**", drop_posts)
    with page.expect_navigation(url="**/bao-cao/bien-nhan/**", timeout=20_000):
        page.get_by_role("button", name="Gửi ngay").click()
    assert "Đã ghi nhận báo cáo của Phường I." in page.inner_text("main")
    assert _revisions() == 1 and page.evaluate(PENDING) == []


def test_logout_warns_about_an_unsent_report_then_leaves_nothing_of_the_user(visit, lan):
    browser = visit(PHONE, timezone_id=ZONE)
    page, context = browser.page, browser.context
    browser.login("lan")
    _form_kept(browser)
    context.set_offline(True)
    _type_report(page)
    page.locator("[data-pending]").wait_for(state="visible")
    page.close()  # the form would send it as soon as the signal returns; the clerk logs out elsewhere
    context.set_offline(False)
    page = browser.page = context.new_page()
    browser.goto("/bao-cao/lich-su/")
    assert len(page.evaluate(PENDING)) == 1

    dialogs: list[str] = []

    def answer(dialog, accept: bool):
        dialogs.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_timeout(300)
    assert dialogs and dialogs[0].startswith("Điện thoại này còn báo cáo chưa gửi.")
    assert "/bao-cao/lich-su/" in page.url and len(page.evaluate(PENDING)) == 1, "cancelled: nothing removed"

    page.once("dialog", lambda dialog: answer(dialog, True))
    with page.expect_navigation(url="**/dang-nhap/**"):
        page.get_by_role("button", name="Đăng xuất").click()
    assert page.evaluate(LEFT_BEHIND) == {"caches": [], "storage": [], "workers": 0}
    assert _revisions() == 0

    # A fresh visit with no signal finds nothing of hers.
    context.set_offline(True)
    with pytest.raises(PlaywrightError, match="ERR_INTERNET_DISCONNECTED"):
        page.goto(browser.base_url + FORM)


def test_chromium_honours_the_logouts_clear_site_data_on_its_own(visit, lan):
    """Without the logout button's script (the form posted directly), the server's header alone clears the site."""
    browser = visit(PHONE, timezone_id=ZONE)
    page = browser.page
    browser.login("lan")
    _form_kept(browser)
    page.evaluate("localStorage.setItem('bluezone.pending.test', '[1]')")
    with page.expect_navigation(url="**/dang-nhap/**"):
        page.evaluate("document.querySelector('form[data-logout]').submit()")
    page.wait_for_function("async () => (await caches.keys()).length === 0", timeout=10_000)
    assert page.evaluate(LEFT_BEHIND) == {"caches": [], "storage": [], "workers": 0}


def test_a_session_that_ends_without_logout_leaves_no_page_for_the_next_user(visit, lan, hoa):
    browser = visit(PHONE, timezone_id=ZONE)
    page, context = browser.page, browser.context
    browser.login("lan")
    lans = _form_kept(browser, "/bao-cao/")
    context.clear_cookies()  # her session ends (idle timeout) on a shared phone
    browser.goto("/bao-cao/")
    assert "/dang-nhap/" in page.url
    page.wait_for_function("async () => !(await caches.keys()).some(n => n.startsWith('bluezone-pages-'))")
    browser.login("hoa")
    hoas = _form_kept(browser, "/bao-cao/")
    assert hoas != lans
    context.set_offline(True)
    page.reload()
    assert "Xã Vị Tân" in page.inner_text("main") and "Phường I" not in page.inner_text("main")
    assert [n for n in page.evaluate("caches.keys()") if n.startswith("bluezone-pages-")] == [hoas]


def test_the_portal_is_installable_on_a_phone(chromium, live_server, lan, tmp_path):
    """Chromium's own check, in a profile of its own (Playwright's usual contexts are incognito, never installable)."""
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PASSWORD

    context = chromium.browser_type.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS, viewport=PHONE, locale="vi-VN")
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(live_server.url + "/dang-nhap/")
        page.fill("#id_username", "lan")
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        cdp = context.new_cdp_session(page)
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["url"] == live_server.url + "/manifest.webmanifest?lang=vi"
        assert manifest["errors"] == []
        assert json.loads(manifest["data"])["name"] == "Bluezone Hậu Giang"
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    finally:
        context.close()
