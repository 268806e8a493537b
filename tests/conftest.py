"""Shared fixtures: the real Hau Giang units and a few named users.

Named after who they are in the campaign (healthchecks style): Lan reports
for Phường I, Minh for Thành phố Vị Thanh (its district), Hoa for Xã Vị Tân
(another commune of Vị Thanh), Tuấn for a commune of another district, Dũng
for Sở Y tế; Thảo is a DIC reviewer, Quang a PPC viewer.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from units.models import Campaign, Unit
from units.services import units_load, user_create

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def local(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0) -> dt.datetime:
    """An aware Asia/Ho_Chi_Minh datetime."""
    return dt.datetime(y, m, d, hh, mm, ss, tzinfo=HCM)


@pytest.fixture
def hau_giang(db) -> Campaign:
    """The 115 real units and the 2020 campaign, as `load_units` makes them."""
    units_load()
    return Campaign.objects.select_related("root").get()


@pytest.fixture
def campaign(hau_giang) -> Campaign:
    return hau_giang


def _user(username: str, role: str, unit_code: str | None = None):
    user, _, _ = user_create(username=username, role=role, unit_code=unit_code, password="Mat-khau-2020")
    return user


@pytest.fixture
def lan(hau_giang):
    """Reporter of Phường I (31318), Thành phố Vị Thanh."""
    return _user("lan", "reporter", "31318")


@pytest.fixture
def hoa(hau_giang):
    """Reporter of Xã Vị Tân (31333), another commune of Vị Thanh."""
    return _user("hoa", "reporter", "31333")


@pytest.fixture
def minh(hau_giang):
    """Reporter of Thành phố Vị Thanh (930), the district."""
    return _user("minh", "reporter", "930")


@pytest.fixture
def tuan(hau_giang):
    """Reporter of Phường Ngã Bảy (31340), Thành phố Ngã Bảy: another district."""
    return _user("tuan", "reporter", "31340")


@pytest.fixture
def dung(hau_giang):
    """Reporter of Sở Y tế (SYT), a provincial agency."""
    unit = Unit.objects.get(code="SYT")
    unit.staff_total, unit.family_total = 300, 800
    unit.save()
    return _user("dung", "reporter", "SYT")


@pytest.fixture
def thao(hau_giang):
    """DIC reviewer."""
    return _user("thao", "reviewer")


@pytest.fixture
def quang(hau_giang):
    """PPC viewer."""
    return _user("quang", "viewer")


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def _on_postgresql() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def pytest_collection_modifyitems(config, items):
    """On the embedded SQLite default, leave out what only PostgreSQL can prove.

    Such tests are deselected, not skipped: CI (CI=true) runs on PostgreSQL and
    refuses to deselect anything, so there every test runs.
    """
    if _on_postgresql():
        return
    import os

    if os.environ.get("CI"):
        raise pytest.UsageError("CI must run the suite on PostgreSQL (set DATABASE_URL).")
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("postgres") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
        print(f"\n{len(drop)} test(s) need PostgreSQL and were deselected; set DATABASE_URL to run them.")
