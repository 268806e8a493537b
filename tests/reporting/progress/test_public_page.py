"""/cong-khai/: province figures and the chart for the press (item 8), no login, no unit below the province."""

from __future__ import annotations

import pytest
import time_machine
from django.utils import translation

from reporting.progress.figures import province_progress
from reporting.templatetags.vi_format import vi_int, vi_percent
from tests.conftest import local
from tests.reporting import dashboard_support
from tests.reporting.dashboard_support import D20, figure
from units.models import Unit

history = dashboard_support.history

# DIC publishes the page: its name is in every page's footer, not as a unit figure.
PUBLISHER = "STTTT"


@pytest.fixture(autouse=True)
def _next_morning():
    with time_machine.travel(local(2020, 8, 21, 9, 0), tick=False), translation.override("vi"):
        yield


def test_public_page_needs_no_login(client, history):
    response = client.get("/cong-khai/")
    assert response.status_code == 200
    assert "Tiến độ cài đặt ứng dụng Bluezone tỉnh Hậu Giang" in response.content.decode()


def test_public_page_shows_the_province_figures_of_the_selectors(client, history):
    html = client.get("/cong-khai/", {"date": "2020-08-20"}).content.decode()
    progress = province_progress(campaign=history, day=D20)
    assert figure(html, "official_installed") == vi_int(progress.official_installed)
    assert figure(html, "reported_installed") == vi_int(progress.province.installed)
    assert figure(html, "reported_rate") == vi_percent(progress.province.rate)
    assert figure(html, "required_daily") == vi_int(progress.required_daily)
    assert 'id="progress-chart-data"' in html and "/static/vendor/chartjs/chart.umd.min.js" in html


def test_public_page_names_no_commune_agency_or_district(client, history):
    html = client.get("/cong-khai/", {"date": "2020-08-20"}).content.decode()
    below = Unit.objects.exclude(kind="province").exclude(code=PUBLISHER)
    for name, code in below.values_list("name", "code"):
        assert f">{name}<" not in html and f" {name} " not in html, name
        assert f'data-code="{code}"' not in html
    assert "/tong-quan/huyen/" not in html and "Phường" not in html and "Xã " not in html


def test_public_page_names_no_unit_for_a_signed_in_reviewer_either(client, history, thao):
    client.force_login(thao)
    html = client.get("/cong-khai/", {"date": "2020-08-20"}).content.decode()
    assert "Phường" not in html and "Sở Y tế" not in html and "Vị Thanh" not in html


def test_public_page_takes_the_same_date_and_snapshot_choice(client, history):
    at_deadline = client.get("/cong-khai/", {"date": "2020-08-20", "as_at": "deadline"}).content.decode()
    now = client.get("/cong-khai/", {"date": "2020-08-20", "as_at": "now"}).content.decode()
    assert figure(at_deadline, "reported_installed") == "4.600" and figure(now, "reported_installed") == "4.750"


def test_public_page_refuses_a_bad_date_with_a_message(client, history):
    response = client.get("/cong-khai/", {"date": "2021-01-01"})
    assert response.status_code == 400
    assert "Ngày xem: 01/01/2021 nằm ngoài thời gian chiến dịch" in response.content.decode()
