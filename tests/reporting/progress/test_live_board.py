"""The live boards' conditional poll (reporting.live): 304 while nothing changed, a new page when anything did."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting.intake.services import report_submit
from reporting.live import live_clock
from reporting.models import MissedDeadline
from reporting.progress.table import progress_span
from reporting.watch.excuses import missed_deadline_excuse
from reporting.watch.flagging import missed_deadlines_flag
from tests.conftest import local
from tests.reporting.flag_support import D1, D2, after_deadline, submit
from units.access import units_readable_by

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

BOARD = "/chua-bao-cao/?date=2020-08-14"
OVERVIEW = "/tong-quan/?date=2020-08-14"
POLL = {"HTTP_X_BLUEZONE_LIVE": "1"}
AFTERNOON = local(2020, 8, 14, 16, 0)


@pytest.fixture
def board(campaign, lan, hoa, tuan):
    """13/08 flagged; on the 14th Lan reported on time and the day is closed."""
    submit(lan, D1, local(2020, 8, 13, 9))
    missed_deadlines_flag(now=after_deadline(D1))
    submit(lan, D2, local(2020, 8, 14, 9))
    missed_deadlines_flag(now=after_deadline(D2))
    return campaign


def _etag(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response["ETag"]


@pytest.mark.parametrize("url", [BOARD, OVERVIEW])
def test_a_poll_with_the_page_etag_is_answered_304_without_a_body(board, client, thao, url):
    client.force_login(thao)
    with time_machine.travel(AFTERNOON, tick=False):
        first = client.get(url)
        etag = first["ETag"]
        assert etag.startswith('"') and len(etag) == 34
        assert f'data-live-etag="&quot;{etag.strip(chr(34))}&quot;"' in first.content.decode()
        again = client.get(url, HTTP_IF_NONE_MATCH=etag, **POLL)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    assert "no-cache" in again["Cache-Control"] and "private" in again["Cache-Control"]


def test_a_new_report_changes_the_board_etag(board, client, thao, hoa):
    client.force_login(thao)
    with time_machine.travel(AFTERNOON, tick=False):
        etag = _etag(client, BOARD)
        submit(hoa, D2, local(2020, 8, 14, 16, 0))
        polled = client.get(BOARD, HTTP_IF_NONE_MATCH=etag, **POLL)
    assert polled.status_code == 200 and polled["ETag"] != etag
    assert re.search(r'data-code="31333" data-status="late"', polled.content.decode())


def test_a_correction_changes_the_overview_etag(board, client, thao, lan):
    client.force_login(thao)
    with time_machine.travel(AFTERNOON, tick=False):
        etag = _etag(client, OVERVIEW)
        report_submit(user=lan, unit=lan.unit, day=D2, values={"residents_installed": 175},
                      now=local(2020, 8, 14, 16, 0))
        polled = client.get(OVERVIEW, HTTP_IF_NONE_MATCH=etag, **POLL)
    assert polled.status_code == 200
    assert re.search(r'data-figure="reported_installed">175<', polled.content.decode())


def test_an_excuse_changes_the_board_etag_though_no_report_changed(board, client, thao):
    client.force_login(thao)
    with time_machine.travel(AFTERNOON, tick=False):
        etag = _etag(client, BOARD)
        flag = MissedDeadline.objects.get(unit__code="31333", date=D2)
        missed_deadline_excuse(user=thao, flag=flag, reason="Mất điện cả xã")
        polled = client.get(BOARD, HTTP_IF_NONE_MATCH=etag, **POLL)
    assert polled.status_code == 200
    assert 'data-code="31333" data-status="excused"' in polled.content.decode()


def test_the_etag_is_per_user_scope_and_per_language(board, client, thao, minh):
    with time_machine.travel(AFTERNOON, tick=False):
        client.force_login(thao)
        reviewer = _etag(client, BOARD)
        english = client.get(BOARD, HTTP_ACCEPT_LANGUAGE="en")
        assert english["Content-Language"] == "en"
        assert english["ETag"] != reviewer
        assert client.get(BOARD, HTTP_IF_NONE_MATCH=reviewer, HTTP_ACCEPT_LANGUAGE="en").status_code == 200
        client.force_login(minh)
        district = client.get(BOARD, HTTP_IF_NONE_MATCH=reviewer)
        assert district.status_code == 200 and district["ETag"] != reviewer
    assert "Vary" in district and "Cookie" in district["Vary"]


def test_the_etag_changes_when_the_deadline_passes(board, client, thao):
    client.force_login(thao)
    today = "/chua-bao-cao/?date=2020-08-15"
    with time_machine.travel(local(2020, 8, 15, 14, 59, 50), tick=False):
        etag = _etag(client, today)
    with time_machine.travel(local(2020, 8, 15, 15, 0, 1), tick=False):
        assert client.get(today, HTTP_IF_NONE_MATCH=etag, **POLL).status_code == 200


def test_before_the_deadline_the_board_counts_down_to_15h(board, client, thao):
    client.force_login(thao)
    with time_machine.travel(local(2020, 8, 15, 14, 30), tick=False):
        html = client.get("/chua-bao-cao/").content.decode()
    assert "<strong data-countdown>00:30:00</strong> đến hạn báo cáo 15:00" in html
    assert "data-frozen" not in html


def test_after_the_deadline_the_board_shows_the_figures_frozen_at_15h(board, client, thao, hoa):
    client.force_login(thao)
    submit(hoa, D2, local(2020, 8, 14, 15, 30))  # late: not in the 15:00 figures
    with time_machine.travel(AFTERNOON, tick=False):
        html = client.get(BOARD).content.decode()
        overview = client.get(OVERVIEW).content.decode()
    assert "data-countdown" not in html
    assert "Số liệu chốt lúc 15:00 ngày 14/08/2020" in html
    frozen = re.search(r'data-figure="frozen_on_time">([^<]*)<', html).group(1)
    assert frozen.startswith("1/")
    # Lan's 100 residents at 9:00; Hoà's 100 came at 15:30.
    assert re.search(r'data-figure="frozen_installed">tổng hợp báo cáo toàn tỉnh 100 người', overview)


def test_a_poll_does_not_use_up_the_readers_messages(board, client, thao):
    client.force_login(thao)
    flag = MissedDeadline.objects.get(unit__code="31333", date=D2)
    with time_machine.travel(AFTERNOON, tick=False):
        response = client.post("/chua-bao-cao/31333/2020-08-14/mien/", {"reason": "Mất điện"})
        assert response.status_code == 302
        client.get(BOARD, **POLL)
        page = client.get(BOARD)
        later = client.get(BOARD)
    assert "Đã miễn ngày 14/08/2020" in page.content.decode()
    assert "Đã miễn ngày 14/08/2020" not in later.content.decode()  # shown once, by the page, not the poll
    flag.refresh_from_db()
    assert flag.excused


def test_the_board_page_loads_its_poll_from_a_static_file(board, client, thao):
    client.force_login(thao)
    html = client.get(BOARD).content.decode()
    assert '<script src="/static/js/live_board.js"></script>' in html
    assert re.search(r"<script>(?!</script>)", html) is None  # no inline script (CSP script-src 'self')


def _frozen(campaign, user, now):
    """The board's 15:00 figures at `now`, and how many queries it took to get them."""
    with CaptureQueriesContext(connection) as queries:
        clock = live_clock(campaign=campaign, day=D2, user=user, units=units_readable_by(user=user),
                           reads_province=True, now=now)
    return clock["frozen"], len(queries.captured_queries)


def test_once_the_close_has_passed_a_late_save_leaves_the_15h_figures_cached(board, thao, hoa):
    """Issue 17: the saves after 15:00 — the late rush — cannot change the figures as they stood at 15:00
    once the close grace is over (no save can be timed before the deadline any more)."""
    closed = local(2020, 8, 14, 15, 10)
    progress_span(campaign=board)  # the first read builds the progress table: nothing is cached before it
    first, computed = _frozen(board, thao, closed)
    submit(hoa, D2, local(2020, 8, 14, 15, 5))  # late: not in the 15:00 figures
    again, queries = _frozen(board, thao, closed)
    assert again == first and queries < computed


def test_within_the_close_grace_a_save_recomputes_the_15h_figures(board, thao, hoa):
    """Until the grace is over a request that arrived before 15:00 may still be saved, timed by its arrival."""
    grace = local(2020, 8, 14, 15, 1)
    progress_span(campaign=board)
    first, computed = _frozen(board, thao, grace)
    cached, fewer = _frozen(board, thao, grace)
    assert cached == first and fewer < computed  # nothing changed: from the cache
    submit(hoa, D2, local(2020, 8, 14, 14, 59, 30))
    _, queries = _frozen(board, thao, grace)
    assert queries == computed  # any save of the campaign up to the day: computed again
