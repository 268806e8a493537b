"""`/api/v1/progress/` read while reports are being saved answers the figures at one instant (issue 17).

Four writers save random reports (corrections, blanks, backdated days) on
their own leaves — each writer the leaves of one district — while two readers
ask the API again and again, on connections of their own. Each answer must be
rule 1 of one consistent state of the database: every district the figures of
its writer after some number of its saves (between the saves finished before
the request and those begun before it ended), and the province the sum of
those same district figures — which a read made of statements each seeing a
later commit would break. Once with the progress table, once computing from
the reports.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
import time

import pytest
from django.db import connection
from django.test.utils import override_settings
from rest_framework.test import APIClient

from reporting.intake.services import report_submit
from reporting.progress.table import progress_table_rebuild
from tests.conftest import local
from units.models import LEAF_KINDS, Campaign, Unit
from units.services import user_create

pytestmark = [pytest.mark.postgres]

DAY = dt.date(2020, 8, 20)
DAYS = [DAY - dt.timedelta(days=2), DAY - dt.timedelta(days=1), DAY]
WRITERS, SAVES, LEAVES_EACH = 4, 24, 4


def _plan(rng: random.Random, leaves: list[Unit]) -> list[tuple[Unit, dt.date, int | None]]:
    """One writer's saves, in order: a third leave residents blank (rule 1 keeps the figure before)."""
    return [(rng.choice(leaves), rng.choice(DAYS), None if rng.random() < 0.3 else rng.randrange(0, 4000, 3))
            for _ in range(SAVES)]


def _district_after(plan, leaves: list[Unit], saves: int, day: dt.date) -> tuple[int, int, int]:
    """Rule 1 for the writer's district after its first `saves` saves: (installs on `day`, leaves that
    reported that day, of them on time — every save here is made before 15:00 of its day)."""
    dated: dict[int, dict[dt.date, int | None]] = {}
    for leaf, when, residents in plan[:saves]:
        dated.setdefault(leaf.pk, {})[when] = residents  # a correction replaces the day's figure
    installs = fresh = 0
    for leaf in leaves:
        figures = dated.get(leaf.pk, {})
        known = [d for d in figures if d <= day and figures[d] is not None]
        installs += figures[max(known)] if known else 0
        fresh += day in figures
    return installs, fresh, fresh


def _expected(plan, leaves, saves: int) -> dict:
    installs, fresh, on_time = _district_after(plan, leaves, saves, DAY)
    before, _, _ = _district_after(plan, leaves, saves, DAY - dt.timedelta(days=1))
    return {"installed": installs, "change": installs - before, "on_time_leaves": on_time, "fresh": fresh}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("table", [True, False], ids=["progress-table", "from-reports"])
def test_answers_read_during_saves_are_rule_one_at_one_instant(hau_giang, table):
    campaign = Campaign.objects.select_related("root").get()
    writer, _, _ = user_create(username="toan.tinh", role="reporter", unit_code="93")
    reader, _, _ = user_create(username="xem", role="viewer")
    districts = list(Unit.objects.subtree(campaign.root).districts().filter(active=True).order_by("code"))
    owned = []
    for district in districts[:WRITERS]:
        owned.append((district, list(Unit.objects.subtree(district).filter(kind__in=LEAF_KINDS, active=True)
                                     .order_by("code")[:LEAVES_EACH])))
    plans = [_plan(random.Random(40 + n), leaves) for n, (_, leaves) in enumerate(owned)]
    begun, done = [0] * WRITERS, [0] * WRITERS
    answers: list[tuple[list[int], dict, list[int]]] = []
    errors: list[str] = []
    writing, go = threading.Event(), threading.Event()
    writing.set()
    read_once = threading.Barrier(2, timeout=60)  # the writers start once both readers are warm

    def write(n: int) -> None:
        try:
            go.wait(timeout=60)
            for leaf, day, residents in plans[n]:
                time.sleep(0.01)  # room for the readers' requests between saves
                begun[n] += 1
                # Another count always: a report needs one figure, and a blank residents count is rule 1's case.
                report_submit(user=writer, unit=leaf, day=day,
                              values={"residents_installed": residents, "assisted_installs": begun[n]},
                              channel="api", now=local(day.year, day.month, day.day, 9))
                done[n] += 1
        except Exception as exc:  # reported below, never swallowed
            errors.append(f"writer {n}: {exc!r}")
        finally:
            connection.close()

    def read() -> None:
        client = APIClient()
        client.force_authenticate(reader)
        try:
            warm = False
            while writing.is_set():
                before = list(done)
                response = client.get(f"/api/v1/progress/?date={DAY.isoformat()}")
                after = list(begun)
                assert response.status_code == 200, response.content[:300]
                answers.append((before, response.json(), after))
                if not warm:
                    read_once.wait()
                    go.set()
                    warm = True
        except Exception as exc:
            errors.append(f"reader: {exc!r}")
        finally:
            connection.close()

    with override_settings(BLUEZONE_PROGRESS_TABLE=table, BLUEZONE_PROGRESS_CACHE=False):
        if table:
            assert progress_table_rebuild(campaign=campaign)
        readers = [threading.Thread(target=read) for _ in range(2)]
        writers = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
        for thread in (*readers, *writers):
            thread.start()
        for thread in writers:
            thread.join(timeout=300)
        writing.clear()
        for thread in readers:
            thread.join(timeout=60)
        final = APIClient()
        final.force_authenticate(reader)
        answers.append((list(done), final.get(f"/api/v1/progress/?date={DAY}").json(), list(begun)))
    assert errors == [], errors[0]
    assert done == [SAVES] * WRITERS
    during = [1 for before, _, after in answers if before != after and sum(after) < SAVES * WRITERS]
    assert len(during) >= 5, f"the readers must have read while the writers wrote ({len(during)} times)"

    leaves_by_code = {d.code: len(Unit.objects.subtree(d).filter(kind__in=LEAF_KINDS, active=True))
                      for d in districts}
    for before, body, after in answers:
        rows = {row["code"]: row for row in body["districts"]}
        for n, (district, leaves) in enumerate(owned):
            row = rows[district.code]
            seen = {"installed": row["installed"], "change": row["change"],
                    "on_time_leaves": row["on_time_leaves"], "fresh": row["leaves"] - row["stale_leaves"]}
            candidates = [_expected(plans[n], leaves, k) for k in range(before[n], after[n] + 1)]
            assert seen in candidates, (district.code, before[n], after[n], seen, candidates)
        for code, row in rows.items():
            assert row["leaves"] == leaves_by_code[code]
            if code not in {d.code for d, _ in owned}:
                assert (row["installed"], row["stale_leaves"]) == (0, row["leaves"]), code
        # One instant: the province is the sum of the very district figures read with it.
        province = body["province"]
        assert province["reported_installed"] == sum(row["installed"] for row in rows.values())
        assert province["stale_leaves"] == sum(row["stale_leaves"] for row in rows.values())
    last = answers[-1][1]
    assert [_expected(plans[n], leaves, SAVES)["installed"] for n, (_, leaves) in enumerate(owned)] == [
        next(r for r in last["districts"] if r["code"] == d.code)["installed"] for d, _ in owned]
