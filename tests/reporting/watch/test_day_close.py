"""Closing a day waits for every save that could still be on time (rule 2), on PostgreSQL.

A save that reached the portal before 15:00 but is still writing when the
deadline tick comes (a held-open import transaction) is never flagged, and
the 15:00 snapshot read after the close does not change afterwards, whatever
arrives late.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
import time_machine
from django.db import connection, transaction
from django.test import override_settings

from reporting.intake.services import report_submit
from reporting.models import ClosedDay, DailyReport, MissedDeadline
from reporting.watch.flagging import missed_deadlines_flag
from tests.conftest import local
from tests.reporting.excel_support import SUMMARY, export, token_client, workbook
from tests.reporting.flag_support import D1, after_deadline, due_units, flagged_codes

JUST_BEFORE = local(2020, 8, 13, 14, 59, 59).replace(microsecond=850_000)


def _snapshot(client) -> tuple[dict, list[tuple]]:
    progress = client.get("/api/v1/progress/", {"date": D1.isoformat(), "as_at": "deadline"})
    assert progress.status_code == 200
    book = workbook(export(client, date=D1.isoformat(), as_at="deadline"))
    return progress.json(), [tuple(r) for r in book[SUMMARY].iter_rows(min_row=3, values_only=True)]


class HeldSave(threading.Thread):
    """Lan's report for D1, received at 14:59:59.850, kept uncommitted until released (a long import)."""

    def __init__(self, user):
        super().__init__(daemon=True)
        self.user = user
        self.written = threading.Event()
        self.release = threading.Event()
        self.errors: list[Exception] = []

    def run(self):
        try:
            with transaction.atomic():
                report_submit(user=self.user, unit=self.user.unit, day=D1, values={"residents_installed": 700},
                              now=JUST_BEFORE)
                self.written.set()
                assert self.release.wait(timeout=30)
        except Exception as exc:  # surfaced by the test
            self.errors.append(exc)
            self.written.set()
        finally:
            connection.close()


class Tick(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.run_result = None
        self.errors: list[Exception] = []

    def run(self):
        try:
            self.run_result = missed_deadlines_flag(now=after_deadline(D1))
        except Exception as exc:
            self.errors.append(exc)
        finally:
            connection.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("one_statement", [True, False], ids=["save-function", "orm-path"])
def test_a_save_held_open_across_15h_is_not_flagged_and_the_snapshot_then_stays(campaign, lan, thao, one_statement):
    with override_settings(BLUEZONE_REPORT_SAVE_FUNCTION=one_statement):
        save = HeldSave(lan)
        save.start()
        assert save.written.wait(timeout=30) and save.errors == []

        tick = Tick()
        tick.start()
        time.sleep(1.0)
        # The close waits for the save that could still be on time; nothing is flagged meanwhile.
        assert tick.is_alive(), "the tick closed the day under an on-time save still being written"
        assert not MissedDeadline.objects.exists() and not ClosedDay.objects.exists()

        save.release.set()
        save.join(timeout=30)
        tick.join(timeout=30)
        assert save.errors == [] and tick.errors == []

    report = DailyReport.objects.get(unit__code="31318", date=D1)
    assert report.on_time is True
    assert "31318" not in flagged_codes(D1)
    assert len(flagged_codes(D1)) == len(due_units()) - 1
    assert tick.run_result.days == [D1]

    client = token_client(thao)
    before = _snapshot(client)
    assert before[0]["districts"], "the snapshot has figures"
    # A straggler that reached the portal before 15:00 but is written only after the close (it waited
    # longer than any arrival the portal believes): written as received now — late, after the snapshot.
    straggler = report_submit(
        user=lan, unit=lan.unit, day=D1, values={"residents_installed": 5000}, now=JUST_BEFORE,
    )
    assert straggler.report.on_time is True  # the first submission stays what it was
    assert straggler.revision.created_at > after_deadline(D1)
    assert _snapshot(client) == before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("one_statement", [True, False], ids=["save-function", "orm-path"])
def test_a_first_report_that_only_reaches_the_database_after_the_close_is_late(campaign, hoa, one_statement):
    missed_deadlines_flag(now=after_deadline(D1))
    assert "31333" in flagged_codes(D1)
    with override_settings(BLUEZONE_REPORT_SAVE_FUNCTION=one_statement), \
            time_machine.travel(after_deadline(D1, 1), tick=False):
        saved = report_submit(user=hoa, unit=hoa.unit, day=D1, values={"residents_installed": 10}, now=JUST_BEFORE)
    # Never both "on time" and "missed": the closed day's verdict stands, the report shows beside the flag.
    assert saved.report.on_time is False
    stored = DailyReport.objects.get(unit__code="31333", date=D1)
    assert stored.on_time is False and stored.first_submitted_at > after_deadline(D1)
    assert "31333" in flagged_codes(D1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_no_on_time_report_is_ever_flagged_whatever_the_timing_of_the_tick(campaign, lan, hoa, tuan):
    """Saves received just before 15:00 race ticks run at every moment of the grace and after it."""
    stop = threading.Event()
    errors: list[Exception] = []

    def ticker():
        try:
            for offset in range(0, 200, 7):
                missed_deadlines_flag(now=local(2020, 8, 13, 15, 0, 0) + dt.timedelta(seconds=offset))
                if stop.is_set():
                    break
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=ticker, daemon=True)
    thread.start()
    for user in (lan, hoa, tuan):
        report_submit(user=user, unit=user.unit, day=D1, values={"residents_installed": 5}, now=JUST_BEFORE)
    stop.set()
    thread.join(timeout=60)
    missed_deadlines_flag(now=after_deadline(D1))
    assert errors == []
    on_time = set(DailyReport.objects.filter(date=D1, on_time=True).values_list("unit__code", flat=True))
    assert on_time & flagged_codes(D1) == set()
    assert on_time | flagged_codes(D1) == {u.code for u in due_units()}

