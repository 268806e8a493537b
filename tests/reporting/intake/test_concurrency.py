"""50 simultaneous PUTs of one unit's day, each on its own PostgreSQL connection."""

from __future__ import annotations

import itertools
import threading

import pytest
import time_machine
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from reporting.models import DailyReport, ReportRevision
from tests.conftest import local
from tests.reporting.api_support import report_url

PARALLEL = 50


def _put_in_parallel(token: str, url: str, bodies: list[dict]) -> list[tuple]:
    """Send every body at once, one thread and one database connection per request."""
    start = threading.Barrier(len(bodies))
    answers: list[tuple] = [("not run",)] * len(bodies)

    def worker(index: int) -> None:
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
            start.wait(timeout=60)
            response = client.put(url, bodies[index], format="json")
            answers[index] = (response.status_code, response.json())
        except Exception as exc:  # reported in the assertion below, never swallowed
            answers[index] = ("exception", repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,), name=f"put-{i}") for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    return answers


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_puts_give_one_report_and_fifty_numbered_revisions(lan):
    token = Token.objects.get(user=lan).key
    bodies = [{"residents_installed": 1000 + i, "staff_installed": i, "note": f"luồng {i}"} for i in range(PARALLEL)]

    # Ticking time: the requests run through the real clock path of the API.
    with time_machine.travel(local(2020, 8, 20, 10, 0), tick=True):
        answers = _put_in_parallel(token, report_url("31318", "2020-08-20"), bodies)

    failures = [answer for answer in answers if answer[0] not in (200, 201)]
    assert failures == [], f"{len(failures)} request(s) failed: {failures[:3]}"
    assert sorted(answer[0] for answer in answers) == [200] * (PARALLEL - 1) + [201]
    report = DailyReport.objects.get(unit__code="31318", date="2020-08-20")
    assert DailyReport.objects.count() == 1
    revisions = list(ReportRevision.objects.filter(report=report).order_by("number"))
    assert [r.number for r in revisions] == list(range(1, PARALLEL + 1))
    assert report.revision_count == PARALLEL
    assert sorted(r.residents_installed for r in revisions) == [b["residents_installed"] for b in bodies]

    last = revisions[-1]
    assert (report.residents_installed, report.staff_installed, report.note) == (
        last.residents_installed, last.staff_installed, last.note,
    )
    # Serialised, nothing lost: each revision's "before" is exactly the one before it.
    assert revisions[0].previous is None
    for before, after in itertools.pairwise(revisions):
        assert after.previous == before.values()
    assert report.on_time is True and report.first_submitted_at == revisions[0].created_at
    # Each answer is the report as that request left it.
    by_revision = {body["revision"]: body for _, body in answers}
    assert sorted(by_revision) == list(range(1, PARALLEL + 1))
    assert by_revision[PARALLEL]["residents_installed"] == report.residents_installed
