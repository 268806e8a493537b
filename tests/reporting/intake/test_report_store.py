"""The one-statement save (reporting_report_save) writes exactly what the ORM reference path writes (issue 7)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from reporting.intake.services import ReportRefused, report_submit
from reporting.intake.store import report_save_function_enabled
from reporting.models import Channel, DailyReport, ReportRevision
from tests.conftest import local
from units.models import Unit

pytestmark = [pytest.mark.postgres]

DAYS = [dt.date(2020, 8, 13) + dt.timedelta(days=i) for i in range(6)]
REPORT_COLUMNS = [f.attname for f in DailyReport._meta.concrete_fields if f.attname != "id"]
REVISION_COLUMNS = [f.attname for f in ReportRevision._meta.concrete_fields if f.attname not in ("id", "report_id")]


class _Undo(Exception):
    pass


def _submissions(seed: int, user, communes: list[Unit]) -> list[dict]:
    """Random saves of a few communes over a few days: firsts before and after 15:00, corrections,
    decreases (warnings), late reasons given or not, empty fields and refusals."""
    rng = random.Random(seed)
    steps = []
    for _ in range(60):
        day = rng.choice(DAYS)
        at = local(day.year, day.month, day.day, rng.choice([9, 14, 15, 20]), rng.randrange(60), rng.randrange(60))
        values = {
            "residents_installed": rng.choice([None, rng.randrange(0, 3000), -5]),
            "staff_installed": rng.choice([None, rng.randrange(0, 30)]),
            "family_installed": rng.choice([None, rng.randrange(0, 90)]),
            "assisted_installs": rng.choice([None, rng.randrange(0, 50)]),
            "note": rng.choice(["", "Đã rà soát", None]),
        }
        steps.append({
            "user": user, "unit": rng.choice(communes), "day": day, "values": values,
            "now": at + dt.timedelta(days=rng.choice([0, 0, 1])),
            "channel": rng.choice([Channel.WEB, Channel.API, Channel.IMPORT]),
            "ip_address": rng.choice([None, "10.0.0.7", "2001:db8::1"]),
            "late_reason": rng.choice([None, None, "", "Mất điện"]),
        })
    return steps


def _run(steps: list[dict], *, function: bool) -> tuple[list, list, list]:
    """Apply `steps` through one path; what each save answered and the rows it left, then undo them."""
    answers = []
    with override_settings(BLUEZONE_REPORT_SAVE_FUNCTION=function):
        assert report_save_function_enabled() is function
        try:
            with transaction.atomic():
                for step in steps:
                    try:
                        saved = report_submit(**step)
                    except ReportRefused as refusal:
                        answers.append(("refused", refusal.errors))
                        continue
                    stored = DailyReport.objects.get(pk=saved.report.pk)
                    assert [getattr(saved.report, c) for c in REPORT_COLUMNS] == [
                        getattr(stored, c) for c in REPORT_COLUMNS], "the answer is the stored report"
                    assert saved.revision.pk == ReportRevision.objects.get(
                        report=stored, number=saved.revision.number).pk
                    answers.append(("saved", saved.created, saved.revision.number, saved.warnings,
                                    saved.revision.previous, [getattr(saved.report, c) for c in REPORT_COLUMNS]))
                reports = list(DailyReport.objects.order_by("unit_id", "date").values_list(*REPORT_COLUMNS))
                revisions = list(ReportRevision.objects.order_by("unit_id", "date", "number").values_list(
                    *REVISION_COLUMNS))
                raise _Undo
        except _Undo:
            pass
    return answers, reports, revisions


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_one_statement_save_writes_what_the_orm_path_writes(minh, seed):
    communes = list(Unit.objects.filter(parent=minh.unit).order_by("code")[:4])
    steps = _submissions(seed, minh, communes)
    by_function = _run(steps, function=True)
    by_orm = _run(steps, function=False)
    assert sum(1 for answer in by_orm[0] if answer[0] == "saved") > 20
    assert any(answer[0] == "saved" and answer[3] for answer in by_orm[0]), "some saves carry a warning"
    assert by_function == by_orm
    assert DailyReport.objects.count() == 0


def test_a_save_is_one_statement(lan):
    report_submit(user=lan, unit=lan.unit, day=DAYS[0], values={"residents_installed": 5},
                  now=local(2020, 8, 13, 9))
    with CaptureQueriesContext(connection) as queries:
        saved = report_submit(user=lan, unit=lan.unit, day=DAYS[1], values={"residents_installed": 4},
                              now=local(2020, 8, 14, 9))
    # The context (campaign and previous report), then the save with its revision.
    assert len(queries) == 2, [q["sql"][:80] for q in queries]
    assert saved.warnings[0]["code"] == "decreased"
    assert saved.revision.previous is None and saved.created is True


def test_a_correction_keeps_the_late_reason_when_none_is_sent(lan):
    report_submit(user=lan, unit=lan.unit, day=DAYS[0], values={"residents_installed": 5},
                  now=local(2020, 8, 13, 16), late_reason="Mất mạng")
    saved = report_submit(user=lan, unit=lan.unit, day=DAYS[0], values={"residents_installed": 7, "note": "sửa"},
                          now=local(2020, 8, 13, 17))
    assert saved.report.late_reason == "Mất mạng"
    assert saved.report.on_time is False
    assert saved.revision.previous == {"residents_installed": 5, "staff_installed": None, "family_installed": None,
                                       "assisted_installs": None, "note": ""}
    assert DailyReport.objects.get().revision_count == 2
