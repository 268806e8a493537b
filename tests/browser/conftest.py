"""Playwright (sync API) driving Debian's Chromium against pytest-django's live_server.

Playwright's sync API runs an event loop in this thread, which makes Django
refuse database calls here unless async-unsafe calls are allowed. That
permission (DJANGO_ALLOW_ASYNC_UNSAFE) is given only while a browser module
runs: set for the whole session it would leak into other tests' subprocesses
(`manage.py check --deploy` rightly refuses it). Every request the browser
makes is checked against this machine: the portal runs on a closed
provincial network.
"""

from __future__ import annotations

import os
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "Mat-khau-2020"  # tests/conftest.py's users


ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
# `make screenshots` sets this to docs/screenshots: the walks then save the README's pictures there.
PUBLISH = "BLUEZONE_SCREENSHOTS"


def publish_screenshot(page, name: str, *, top: str | None = None) -> Path | None:
    """Save what the page shows (the visible screen) as NAME.png under $BLUEZONE_SCREENSHOTS, when it is set.

    The screen shows the top of the page, whatever was filled in last, or from the element `top` selects down.
    """
    folder = os.environ.get(PUBLISH)
    if not folder:
        return None
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    path = path / f"{name}.png"
    if top is None:
        page.evaluate("window.scrollTo(0, 0)")
    else:
        page.locator(top).first.evaluate("e => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 8)")
    page.screenshot(path=str(path), full_page=False, animations="disabled")
    return path


# Playwright applies a context's offline mode to service workers' own requests only with this set (Chromium only):
# without it, a page "offline" still reaches the portal through its worker.
SERVICE_WORKER_NETWORK = "PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS"


@contextmanager
def _environ(name: str, value: str):
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


@contextmanager
def launched_chromium(*, service_worker_network: bool = False):
    """Chromium driven by Playwright; `service_worker_network`: offline mode and routes reach service workers too."""
    from playwright.sync_api import sync_playwright

    with ExitStack() as stack:
        stack.enter_context(_environ(ASYNC_UNSAFE, "true"))
        if service_worker_network:
            stack.enter_context(_environ(SERVICE_WORKER_NETWORK, "1"))  # read by the driver process it starts
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture(scope="module")
def chromium():
    """One Chromium per test module; module-scoped fixtures are set up before the tests' database fixtures."""
    with launched_chromium() as browser:
        yield browser


class Visit:
    """A browser context that records every request URL and every JavaScript error."""

    def __init__(self, browser, base_url: str, viewport: dict, **options):
        self.base_url = base_url
        self.context = browser.new_context(viewport=viewport, locale="vi-VN", **options)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def goto(self, path: str):
        return self.page.goto(self.base_url + path)

    def login(self, username: str, password: str = PASSWORD) -> None:
        self.goto("/dang-nhap/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        with self.page.expect_navigation():
            self.page.locator("main form button[type=submit]").click()
        assert "/dang-nhap/" not in self.page.url, "login failed"

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests
                if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).hostname not in LOCAL_HOSTS]

    def fits_width(self) -> bool:
        return self.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(chromium, live_server):
    """visit(viewport, **options) → a fresh Visit; all are closed after the test."""
    opened: list[Visit] = []

    def open_visit(viewport: dict = DESKTOP, **options) -> Visit:
        """`options`: more of Playwright's new_context() arguments (a time zone, say)."""
        opened.append(Visit(chromium, live_server.url, viewport, **options))
        return opened[-1]

    yield open_visit
    for item in opened:
        item.close()
