"""/api/v1/progress/ answers live figures from a cache that every change of the data invalidates (issue 7).

The key is the data version PostgreSQL changes in the same transaction as
any report, unit or progress-table change — per territory and day since
issue 17: a report dated after the day asked for, or in another territory,
leaves it — plus the campaign and the caller; these tests change each of
them and check that the next answer is the recomputed one, never the cached
one, and that what cannot change the answer leaves it cached.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from reporting.intake.services import report_submit
from reporting.progress.table import progress_span, progress_version
from tests.conftest import local, unit
from tests.reporting import dashboard_support
from tests.reporting.dashboard_support import D20
from units.models import Unit

history = dashboard_support.history
pytestmark = [pytest.mark.postgres]

URL = "/api/v1/progress/?date=2020-08-20"


def _get(api_client, user) -> tuple[dict, int]:
    api_client.force_authenticate(user)
    with CaptureQueriesContext(connection) as queries, time_machine.travel(local(2020, 8, 21, 9), tick=False):
        response = api_client.get(URL)
    assert response.status_code == 200
    return response.json(), len(queries.captured_queries)


def _fresh(api_client, user) -> dict:
    with override_settings(BLUEZONE_PROGRESS_CACHE=False):
        return _get(api_client, user)[0]


def _district(body: dict, code: str) -> dict:
    return next(d for d in body["districts"] if d["code"] == code)


def test_an_unchanged_answer_comes_from_the_cache(api_client, history, thao):
    # The first read builds the progress table (the answer's source is chosen before the cache is asked), then
    # computes the answer and keeps it.
    first, computed = _get(api_client, thao)
    again, cached = _get(api_client, thao)
    assert again == first == _fresh(api_client, thao)
    assert cached < computed
    with override_settings(BLUEZONE_PROGRESS_CACHE=False):
        assert _get(api_client, thao)[1] > cached


def test_a_saved_report_is_in_the_next_answer(api_client, history, thao, hoa):
    before, _ = _get(api_client, thao)
    report_submit(user=hoa, unit=unit("31333"), day=D20, values={"residents_installed": 2900},
                  now=local(2020, 8, 20, 17))
    after, _ = _get(api_client, thao)
    assert after == _fresh(api_client, thao) != before
    assert _district(after, "930")["installed"] == _district(before, "930")["installed"] + 2900 - 2600


def test_the_official_figure_and_a_report_for_another_day_are_in_the_next_answer(api_client, history, thao, lan):
    _get(api_client, thao)
    report_submit(user=thao, unit=unit("93"), day=D20, values={"residents_installed": 123_456},
                  now=local(2020, 8, 20, 17))
    assert _get(api_client, thao)[0]["province"]["official_installed"] == 123_456
    report_submit(user=lan, unit=unit("31318"), day=dt.date(2020, 8, 19), values={"residents_installed": 1},
                  now=local(2020, 8, 20, 18))
    assert _get(api_client, thao)[0] == _fresh(api_client, thao)


def test_a_unit_change_is_in_the_next_answer(api_client, history, thao):
    _get(api_client, thao)
    vi_thanh = unit("930")
    vi_thanh.population, vi_thanh.name = 80_000, "Thành phố Vị Thanh (mới)"
    vi_thanh.save()
    after, _ = _get(api_client, thao)
    assert _district(after, "930")["population"] == 80_000
    assert _district(after, "930")["name"] == "Thành phố Vị Thanh (mới)"
    Unit.objects.filter(code="31333").update(active=False)  # no save(): the trigger still sees it
    assert _get(api_client, thao)[0] == _fresh(api_client, thao)


def test_a_campaign_change_is_in_the_next_answer(api_client, history, thao):
    before, _ = _get(api_client, thao)
    history.population_target_rate = "0.5000"
    history.save()
    after, _ = _get(api_client, thao)
    assert after["province"]["target_rate"] == 0.5 != before["province"]["target_rate"]


def test_each_caller_gets_its_own_scope(api_client, history, thao, minh, lan, hoa, dung):
    whole, _ = _get(api_client, thao)
    own, _ = _get(api_client, minh)
    assert own["province"] == whole["province"] and [d["code"] for d in own["districts"]] == ["930"]
    assert len(whole["districts"]) == 8 and whole["unit"] is None
    # Two communes of one district and an agency, one after the other: each answer is the caller's own unit.
    answers = {user.username: _get(api_client, user)[0] for user in (lan, hoa, dung)}
    assert {name: body["unit"]["code"] for name, body in answers.items()} == {
        "lan": "31318", "hoa": "31333", "dung": "SYT"}
    assert all(body["province"] == whole["province"] and body["districts"] == [] for body in answers.values())
    for user in (lan, hoa, dung, minh):
        assert _get(api_client, user)[0] == _fresh(api_client, user)


def test_a_callers_own_row_follows_its_report(api_client, history, lan):
    before, _ = _get(api_client, lan)
    report_submit(user=lan, unit=unit("31318"), day=D20, values={"residents_installed": 1600},
                  now=local(2020, 8, 20, 17))
    after, _ = _get(api_client, lan)
    assert after["unit"]["residents"]["installed"] == 1600 != before["unit"]["residents"]["installed"]
    assert after == _fresh(api_client, lan)


def test_a_rolled_back_save_does_not_change_the_answer(api_client, history, thao, hoa):
    before, _ = _get(api_client, thao)
    with pytest.raises(RuntimeError), transaction.atomic():
        report_submit(user=hoa, unit=unit("31333"), day=D20, values={"residents_installed": 5000},
                      now=local(2020, 8, 20, 17))
        raise RuntimeError
    after, _ = _get(api_client, thao)
    assert after == before == _fresh(api_client, thao)


def test_a_save_dated_after_the_day_asked_for_leaves_the_answer_cached(api_client, history, thao, hoa):
    """Issue 17: answers go stale per territory and day, not with every save anywhere."""
    first, computed = _get(api_client, thao)
    report_submit(user=hoa, unit=unit("31333"), day=dt.date(2020, 8, 21), values={"residents_installed": 4100},
                  now=local(2020, 8, 21, 8))
    again, queries = _get(api_client, thao)
    assert again == first == _fresh(api_client, thao)
    assert queries < computed  # answered from the cache
    report_submit(user=hoa, unit=unit("31333"), day=dt.date(2020, 8, 19), values={"residents_installed": 1},
                  now=local(2020, 8, 21, 8, 30))
    later, queries = _get(api_client, thao)
    assert later == _fresh(api_client, thao) != first and queries >= computed - 1


@pytest.mark.django_db
def test_the_version_of_a_territory_changes_with_its_saves_and_with_any_unit_change(history, hoa, minh):
    def versions() -> dict[str, str]:
        return {code: progress_version(scope=unit(code), until=D20) for code in ("93", "930", "931", "31333")}

    progress_span(campaign=history)  # any read builds the table; nothing is versioned before it exists
    start = versions()
    assert None not in start.values()
    # 31333 is in district 930: its save changes 930, the commune itself and the province, not district 931.
    report_submit(user=hoa, unit=unit("31333"), day=D20, values={"residents_installed": 2950},
                  now=local(2020, 8, 20, 17))
    after = versions()
    assert after["931"] == start["931"]
    assert all(after[code] != start[code] for code in ("93", "930", "31333"))
    # A later day's save leaves every version up to the 20th alone.
    report_submit(user=hoa, unit=unit("31333"), day=dt.date(2020, 8, 21), values={"residents_installed": 3000},
                  now=local(2020, 8, 21, 8))
    assert versions() == after
    # A unit change anywhere may change any figure shown (a name, a population): every version changes.
    district = unit("931")
    district.name += " (mới)"
    district.save()
    renamed = versions()
    assert all(renamed[code] != after[code] for code in renamed)


def test_a_renamed_or_closed_district_is_in_the_next_computed_answer(api_client, history, thao):
    """The district list is kept in memory while the table's unit version stands (reporting.progress.source):
    any unit change moves that version, so the very next answer lists the districts as they are."""
    with override_settings(BLUEZONE_PROGRESS_CACHE=False):
        _get(api_client, thao)
        vi_thanh = unit("930")
        vi_thanh.name = "Thành phố Vị Thanh (đổi tên)"
        vi_thanh.save()
        assert _district(_get(api_client, thao)[0], "930")["name"] == "Thành phố Vị Thanh (đổi tên)"
        vi_thanh.active = False
        vi_thanh.save()
        assert "930" not in [d["code"] for d in _get(api_client, thao)[0]["districts"]]
        vi_thanh.active = True
        vi_thanh.save()
        assert _get(api_client, thao)[0] == _fresh(api_client, thao)
