"""Concurrency on the real PostgreSQL: many writers, one report; no unit waits for another.

Two flagging jobs (or two notification runs) at once are proven elsewhere and
not repeated here: tests/reporting/watch/test_flagging.py
(test_two_concurrent_runs_create_each_flag_once) and
tests/reporting/watch/test_notifications.py (test_two_concurrent_runs_send_each_e_mail_once);
tests/hardening/test_fault_worker.py runs the whole tick twice through a real
worker around a SIGKILL.
"""

from __future__ import annotations

import itertools
import queue
import threading
import time

import pytest
import time_machine
from django.db import connection, transaction
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from reporting.intake.services import report_submit
from reporting.models import DailyReport, ReportRevision
from tests.conftest import local, unit
from tests.reporting.api_support import report_url
from units.models import Unit
from units.services import user_create

PUTS = 200
POOL = 32  # threads, each with its own PostgreSQL connection
DAY = "2020-08-20"


def _headroom() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        limit = int(cursor.fetchone()[0])
        cursor.execute("SELECT count(*) FROM pg_stat_activity")
        used = cursor.fetchone()[0]
    return limit - used


def _run_pool(jobs: list, work, *, threads: int, timeout: float) -> list:
    """Run work(job) for every job on `threads` threads; each thread closes its connection when done."""
    todo: queue.Queue = queue.Queue()
    for index, job in enumerate(jobs):
        todo.put((index, job))
    results: list = [("not run",)] * len(jobs)

    def worker() -> None:
        try:
            while True:
                try:
                    index, job = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    results[index] = work(job)
                except Exception as exc:  # reported by the caller's assertions, never swallowed
                    results[index] = ("exception", repr(exc))
        finally:
            connection.close()

    pool = [threading.Thread(target=worker, name=f"pool-{i}") for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in pool), "a request hung"
    return results


def _client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_200_concurrent_puts_on_one_unit_and_day_give_one_report_and_200_revisions(lan):
    assert _headroom() > POOL + 20, "PostgreSQL has too few free connections for this test"
    token = Token.objects.get(user=lan).key
    bodies = [{"residents_installed": 2000 + i, "staff_installed": i, "note": f"yêu cầu {i}"} for i in range(PUTS)]

    def put(body: dict) -> tuple:
        response = _client(token).put(report_url("31318", DAY), body, format="json")
        return response.status_code, response.json()

    started = time.monotonic()
    with time_machine.travel(local(2020, 8, 20, 10, 0), tick=True):
        answers = _run_pool(bodies, put, threads=POOL, timeout=240)
    elapsed = time.monotonic() - started

    assert [a for a in answers if a[0] not in (200, 201)] == [], "a request failed or answered 5xx"
    assert sorted(a[0] for a in answers) == [200] * (PUTS - 1) + [201]
    assert DailyReport.objects.count() == 1
    report = DailyReport.objects.get(unit__code="31318", date=DAY)
    revisions = list(ReportRevision.objects.filter(report=report).order_by("number"))
    assert [r.number for r in revisions] == list(range(1, PUTS + 1))
    assert report.revision_count == PUTS
    # Every request left exactly its own values, once.
    assert sorted(r.residents_installed for r in revisions) == [b["residents_installed"] for b in bodies]
    # The report is the last revision; each revision's "before" is the one before it.
    assert report.values() == revisions[-1].values()
    assert revisions[0].previous is None
    for before, after in itertools.pairwise(revisions):
        assert after.previous == before.values()
    # Each answer is the report as that very request left it.
    by_number = {body["revision"]: body for _status, body in answers}
    assert sorted(by_number) == list(range(1, PUTS + 1))
    for revision in revisions:
        assert by_number[revision.number]["residents_installed"] == revision.residents_installed
    print(f"\n{PUTS} PUTs on {POOL} threads: {elapsed:.1f} s ({PUTS / elapsed:.0f}/s)")


def _blocked_on_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_unit_whose_report_is_locked_delays_no_other_unit(lan):
    """Unit A's report is held mid-transaction; A's next writer waits, 40 other units do not."""
    others = list(
        Unit.objects.filter(kind__in=("ward", "township", "commune"), active=True).exclude(code="31318")
        .order_by("path")[:40]
    )
    assert {u.parent_id for u in others} >= {unit("31318").parent_id}  # same district as A, and others
    tokens = {}
    for other in others:
        _user, _password, tokens[other.code] = user_create(
            username=f"u{other.code}", role="reporter", unit_code=other.code, password="Mat-khau-2020")
    lan_token = Token.objects.get(user=lan).key
    report_submit(user=lan, unit=lan.unit, day=local(2020, 8, 20).date(), values={"residents_installed": 1},
                  now=local(2020, 8, 20, 9))

    holding, release, held_pid = threading.Event(), threading.Event(), []

    def hold_a() -> None:
        """A submission for unit A that has written and not yet committed."""
        try:
            with transaction.atomic():
                report_submit(user=lan, unit=lan.unit, day=local(2020, 8, 20).date(),
                              values={"residents_installed": 2}, now=local(2020, 8, 20, 9, 1))
                held_pid.append(connection.connection.info.backend_pid)
                holding.set()
                assert release.wait(timeout=120)
        finally:
            connection.close()

    a_answer: list = []

    def put_a() -> None:
        try:
            a_answer.append(_client(lan_token).put(report_url("31318", DAY), {"residents_installed": 3},
                                                   format="json").status_code)
            a_answer.append(time.monotonic())
        finally:
            connection.close()

    holder = threading.Thread(target=hold_a)
    holder.start()
    try:
        assert holding.wait(timeout=30)
        waiter = threading.Thread(target=put_a)
        waiter.start()
        # A's second writer really waits on the row lock (PostgreSQL says so), so the lock is real.
        wait_for_lock = time.monotonic() + 10
        while not any(_blocked_on_a_lock(pid) for pid in _backend_pids_except(held_pid[0])):
            assert time.monotonic() < wait_for_lock, "A's second writer never waited: the lock was not held"
            time.sleep(0.05)

        def put_other(other: Unit) -> tuple:
            began = time.monotonic()
            response = _client(tokens[other.code]).put(
                report_url(other.code, DAY), {"staff_installed": 1}, format="json")
            return response.status_code, time.monotonic() - began

        with time_machine.travel(local(2020, 8, 20, 10, 0), tick=True):
            started = time.monotonic()
            results = _run_pool(others, put_other, threads=8, timeout=60)
            elapsed = time.monotonic() - started
        assert [r for r in results if r[0] != 201] == []
        slowest = max(seconds for _status, seconds in results)
        assert slowest < 3, f"a unit waited {slowest:.1f} s while another unit's report was locked"
        assert not a_answer, "A's second writer went through while A was locked"
        released_at = time.monotonic()
    finally:
        release.set()
        holder.join(timeout=30)
    waiter.join(timeout=30)
    assert a_answer[0] == 200 and a_answer[1] >= released_at
    assert DailyReport.objects.filter(date=DAY).count() == len(others) + 1
    assert DailyReport.objects.get(unit__code="31318", date=DAY).residents_installed == 3
    print(f"\n{len(others)} units written in {elapsed:.1f} s while unit A was locked; slowest {slowest:.2f} s")


def _backend_pids_except(pid: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND pid <> %s", [pid])
        return [row[0] for row in cursor.fetchall()]
