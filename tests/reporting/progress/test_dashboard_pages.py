"""Dashboard pages: the selectors' numbers, the API's ranking, drill-down, scope, snapshot, compliance grid."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from reporting.models import MissedDeadline
from reporting.progress.figures import province_progress
from reporting.progress.selectors import (
    commune_table,
    district_table,
    lagging_units,
    province_projection,
    province_trend,
)
from reporting.templatetags.vi_format import vi_date, vi_int, vi_percent
from tests.conftest import local
from tests.reporting import dashboard_support
from tests.reporting.dashboard_support import D20, data_codes, figure, submit
from units.models import Unit

history = dashboard_support.history

NEXT_MORNING = local(2020, 8, 21, 9, 0)
DAY = "date=2020-08-20"


@pytest.fixture(autouse=True)
def _next_morning():
    with time_machine.travel(NEXT_MORNING, tick=False), translation.override("vi"):
        yield


def _page(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def _row(html: str, code: str) -> str:
    match = re.search(rf'<tr data-code="{code}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no row {code}"
    return match.group(1)


# ----------------------------------------------------------------------------- overview


def test_overview_big_numbers_equal_the_selectors(client, history, thao):
    html = _page(client, thao, f"/tong-quan/?{DAY}")
    progress = province_progress(campaign=history, day=D20)
    projection = province_projection(campaign=history, trend=province_trend(campaign=history, until=D20))
    assert figure(html, "official_installed") == vi_int(progress.official_installed) == "110.000"
    assert figure(html, "reported_installed") == vi_int(progress.province.installed) == "4.750"
    assert figure(html, "reported_rate") == vi_percent(progress.province.rate)
    assert figure(html, "days_left") == "10"
    assert figure(html, "required_daily") == vi_int(progress.required_daily)
    assert figure(html, "shortfall") == vi_int(219_906 - progress.province.installed)
    assert figure(html, "projected_date") == (vi_date(projection.projected_date) if projection.projected_date else "—")
    assert vi_percent(progress.official_rate) in html


def test_overview_district_ranking_agrees_with_the_api(client, history, thao):
    for as_at in ("now", "deadline"):
        html = _page(client, thao, f"/tong-quan/?{DAY}&as_at={as_at}")
        api = client.get("/api/v1/progress/", {"date": "2020-08-20", "as_at": as_at}).json()
        assert data_codes(html, "district-ranking") == [d["code"] for d in api["districts"]]
        for district in api["districts"]:
            row = _row(html, district["code"])
            assert vi_int(district["installed"]) in row and vi_percent(district["rate"]) in row


def test_overview_ranking_shows_change_since_yesterday_and_links_the_drill_down(client, history, thao):
    html = _page(client, thao, f"/tong-quan/?{DAY}")
    row = _row(html, "930")
    assert "+600" in row  # Phường I +300 (with the 16:00 correction), Xã Vị Tân +300
    assert 'href="/tong-quan/huyen/930/?date=2020-08-20&amp;as_at=now"' in row


def test_overview_carries_the_chart_data_and_the_same_numbers_as_a_table(client, history, thao):
    html = _page(client, thao, f"/tong-quan/?{DAY}")
    assert '/static/vendor/chartjs/chart.umd.min.js' in html
    assert '/static/js/progress_chart.js' in html
    data = json.loads(re.search(r'<script id="progress-chart-data" type="application/json">(.*?)</script>',
                                html, re.S).group(1))
    assert len(data["labels"]) == len(data["trajectory"]) == 18 and data["labels"][0] == "13/08"
    assert data["official"][7] == round(110_000 / 733_017 * 100, 2) and data["official"][8] is None
    assert data["target"] == 30.0
    for day in range(13, 21):
        assert f"{day}/08/2020" in html


def test_overview_counts_the_days_reports(client, history, thao):
    html = _page(client, thao, f"/tong-quan/?{DAY}")
    assert 'href="/tong-quan/tuan-thu/?date=2020-08-20&amp;as_at=now"' in html
    assert re.search(r'status-on_time">Đúng hạn</span> <strong>4</strong>', html)


def test_overview_sends_unit_users_to_their_own_part(client, history, lan, minh, dung):
    for user, target in ((lan, "/tong-quan/huyen/930/"), (minh, "/tong-quan/huyen/930/"), (dung, "/tong-quan/co-quan/")):
        client.force_login(user)
        response = client.get(f"/tong-quan/?{DAY}&as_at=deadline")
        assert response.status_code == 302
        assert response["Location"] == f"{target}?date=2020-08-20&as_at=deadline"


def test_dashboards_need_a_login(client, history):
    for url in ("/tong-quan/", "/tong-quan/huyen/930/", "/tong-quan/co-quan/", "/tong-quan/tuan-thu/",
                "/tong-quan/cham-tien-do/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/"), url


def test_bad_date_or_as_at_on_a_page_is_a_400_naming_the_field(client, history, thao):
    html = _page(client, thao, "/tong-quan/?date=2020-09-30", status=400)
    assert "Ngày xem: 30/09/2020 nằm ngoài thời gian chiến dịch" in html
    html = _page(client, thao, "/tong-quan/co-quan/?date=hôm-qua", status=400)
    assert "Ngày xem" in html
    html = _page(client, thao, "/tong-quan/tuan-thu/?as_at=later", status=400)
    assert "Thời điểm số liệu (as_at)" in html
    # The compact form Python itself would read (20200820) is no date here either: every page reads days alike.
    for page in ("/tong-quan/", "/tong-quan/huyen/930/", "/cong-khai/"):
        assert "Ngày xem: “20200820”" in _page(client, thao, f"{page}?date=20200820", status=400)


# ----------------------------------------------------------------------------- district drill-down


def test_drill_down_lists_the_districts_communes(client, history, thao):
    html = _page(client, thao, f"/tong-quan/huyen/930/?{DAY}")
    rows = commune_table(campaign=history, district=Unit.objects.get(code="930"), day=D20)
    codes = data_codes(html, "commune-table")
    assert codes == [r.unit.code for r in rows]
    assert set(codes) == set(Unit.objects.subtree(Unit.objects.get(code="930")).leaves().values_list("code", flat=True))
    assert "31340" not in codes
    assert codes[0] == "31318"  # the highest rate: 1,450 of 5,628
    assert figure(html, "installed") == "4.050"


def test_commune_without_population_shows_no_rate(client, history, thao):
    html = _page(client, thao, f"/tong-quan/huyen/931/?{DAY}")
    row = _row(html, "31340")
    assert "chưa có số liệu dân số" in row and "%" not in row
    assert "700" in row
    missing = Unit.objects.subtree(Unit.objects.get(code="931")).leaves().filter(population__isnull=True).count()
    assert html.count("chưa có số liệu dân số") == missing > 0


def test_drill_down_snapshot_excludes_the_16h_correction(client, history, thao):
    at_deadline = _page(client, thao, f"/tong-quan/huyen/930/?{DAY}&as_at=deadline")
    now = _page(client, thao, f"/tong-quan/huyen/930/?{DAY}&as_at=now")
    assert "1.300" in _row(at_deadline, "31318") and "1.450" not in _row(at_deadline, "31318")
    assert "1.450" in _row(now, "31318")
    assert "lúc 15 giờ 00 ngày 20/08/2020" in at_deadline


def test_commune_reporter_sees_only_its_own_commune_named_as_such(client, history, lan):
    html = _page(client, lan, f"/tong-quan/huyen/930/?{DAY}")
    assert re.findall(r'<section class="stats own-commune" data-code="([^"]+)"', html) == ["31318"]
    assert figure(html, "own_installed") == "1.450"
    assert re.search(r"<h1>\s*Phường I\s*</h1>", html) and "<title>Phường I" in html
    assert "thuộc Thành phố Vị Thanh" in html
    assert "Xã Vị Tân" not in html and 'data-figure="installed"' not in html


def test_district_reporter_sees_its_district_and_every_commune(client, history, minh):
    html = _page(client, minh, f"/tong-quan/huyen/930/?{DAY}")
    assert len(data_codes(html, "commune-table")) == 9 and figure(html, "installed") == "4.050"


def test_unit_users_cannot_open_another_districts_drill_down(client, history, lan, tuan, minh, dung):
    for user, code in ((lan, "931"), (tuan, "930"), (minh, "931"), (dung, "930")):
        _page(client, user, f"/tong-quan/huyen/{code}/?{DAY}", status=404)


def test_drill_down_of_something_that_is_not_a_district_is_404(client, history, thao):
    for code in ("31318", "93", "SYT", "nothing"):
        _page(client, thao, f"/tong-quan/huyen/{code}/", status=404)


# ----------------------------------------------------------------------------- agencies, compliance, lagging


def test_agencies_page_shows_staff_and_family_against_100_percent(client, history, thao, dung):
    html = _page(client, thao, f"/tong-quan/co-quan/?{DAY}")
    row = _row(html, "SYT")
    assert "67,27 %" in row  # (240 + 500) / (300 + 800)
    assert len(data_codes(html, "staff-table")) == Unit.objects.agencies().filter(active=True).count()
    own = _page(client, dung, f"/tong-quan/co-quan/?{DAY}")
    assert data_codes(own, "staff-table") == ["SYT"]


def _cells(html: str, code: str) -> list[str]:
    return re.findall(r'<td class="cell s-([a-z_]+)"', _row(html, code))


def test_compliance_grid_colours_each_unit_and_day(client, history, thao, minh):
    submit(minh, "31321", D20, local(2020, 8, 20, 16, 30), residents_installed=10)  # Phường III, late
    MissedDeadline.objects.create(campaign=history, unit=Unit.objects.get(code="31324"), date=D20,
                                  flagged_at=local(2020, 8, 20, 15, 0), excused=True, excuse_reason="Mất điện",
                                  excused_at=local(2020, 8, 20, 17, 0))
    html = _page(client, thao, f"/tong-quan/tuan-thu/?{DAY}")
    assert _cells(html, "31318") == ["missing"] * 5 + ["on_time"] * 3
    assert _cells(html, "31321")[-1] == "late"
    assert _cells(html, "31324")[-1] == "excused"
    assert len(re.findall(r'<th class="day-col', html)) == 8
    assert re.findall(r'<th class="day-col chosen-day" scope="col" aria-current="date">([^<]+)<', html) == ["20/08"]


def test_compliance_grid_shows_not_yet_before_the_deadline(client, history, thao, lan):
    with time_machine.travel(local(2020, 8, 21, 14, 59, 59), tick=False):
        submit(lan, "31318", dt.date(2020, 8, 21), local(2020, 8, 21, 14, 0), residents_installed=1500)
        html = _page(client, thao, "/tong-quan/tuan-thu/?date=2020-08-21")
    assert _cells(html, "31318")[-1] == "on_time"
    assert _cells(html, "31333")[-1] == "not_yet"


def test_compliance_grid_scope_and_filter(client, history, thao, lan):
    mine = _page(client, lan, f"/tong-quan/tuan-thu/?{DAY}")
    assert data_codes(mine, "compliance-grid") == ["31318"]
    _page(client, lan, f"/tong-quan/tuan-thu/?{DAY}&unit=931", status=404)
    district = _page(client, thao, f"/tong-quan/tuan-thu/?{DAY}&unit=931")
    assert set(data_codes(district, "compliance-grid")) == set(
        Unit.objects.subtree(Unit.objects.get(code="931")).filter(must_report=True).values_list("code", flat=True))
    agencies = _page(client, thao, f"/tong-quan/tuan-thu/?{DAY}&unit=agencies")
    assert "SYT" in data_codes(agencies, "compliance-grid") and "930" not in data_codes(agencies, "compliance-grid")


def test_lagging_page_lists_units_below_the_trajectory_with_their_daily_pace(client, history, thao, minh):
    html = _page(client, thao, f"/tong-quan/cham-tien-do/?{DAY}")
    rows = lagging_units(campaign=history, day=D20)
    assert data_codes(html, "lagging-table") == [r.unit.code for r in rows]
    vi_thanh = next(r for r in rows if r.unit.code == "930")
    assert vi_int(vi_thanh.required_daily) in _row(html, "930")
    assert "31318" not in data_codes(html, "lagging-table")  # 25,76 % is above the 16,79 % of the 20th
    own = _page(client, minh, f"/tong-quan/cham-tien-do/?{DAY}")
    assert all(Unit.objects.get(code=code).path.startswith("93/930/") for code in data_codes(own, "lagging-table"))


def test_pages_leave_an_export_point_for_the_excel_helper(client, history, thao):
    html = _page(client, thao, f"/tong-quan/?{DAY}")
    assert 'class="export-actions"' in html


def test_district_table_equals_page_even_for_a_viewer(client, history, quang):
    html = _page(client, quang, f"/tong-quan/?{DAY}")
    assert data_codes(html, "district-ranking") == [r.unit.code for r in district_table(campaign=history, day=D20)]


@pytest.mark.parametrize("url", ["/tong-quan/", "/tong-quan/huyen/930/", "/tong-quan/cham-tien-do/", "/cong-khai/"])
def test_a_dashboard_page_chooses_its_source_of_figures_once(client, history, thao, url):
    """issue 15: one page, one choice between the progress table and the reports (one ensure of its days)."""
    _page(client, thao, f"{url}?{DAY}")  # the first read builds the table
    with CaptureQueriesContext(connection) as queries:
        _page(client, thao, f"{url}?{DAY}")
    ensured = [q["sql"] for q in queries.captured_queries if "reporting_progress_ensure" in q["sql"]]
    assert len(ensured) == 1
