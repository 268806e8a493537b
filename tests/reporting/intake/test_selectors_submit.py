"""What a save reads before it writes, in one statement, is what the ORM would read."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting.campaigns import campaign_current
from reporting.intake.context import _context, submit_context, submit_context_by_code
from reporting.intake.services import report_submit
from tests.conftest import local
from units.models import Campaign, Unit

AUG14, AUG15, AUG16 = dt.date(2020, 8, 14), dt.date(2020, 8, 15), dt.date(2020, 8, 16)


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_context_by_code_loads_the_unit_and_the_campaign_as_the_orm_does(hau_giang):
    with CaptureQueriesContext(connection) as queries:
        context = submit_context_by_code(code="31318", day=AUG15)
    assert len(queries) == 1
    assert _fields(context.unit) == _fields(Unit.objects.get(code="31318"))
    assert _fields(context.campaign) == _fields(campaign_current())
    # Typed as the fields type them (a rate is a Decimal, the deadline a time), on every database.
    assert context.campaign.population_target_rate == hau_giang.population_target_rate
    assert context.campaign.deadline == dt.time(15, 0)
    assert context.previous is None


def test_previous_is_the_latest_report_strictly_before_the_day(lan):
    for day, count in ((AUG14, 100), (AUG15, 150), (AUG16, 90)):
        report_submit(user=lan, unit=lan.unit, day=day, values={"residents_installed": count},
                      now=local(day.year, day.month, day.day, 9))
    previous = submit_context(unit=lan.unit, day=AUG16).previous
    assert (previous.date, previous.residents_installed) == (AUG15, 150)
    assert submit_context(unit=lan.unit, day=AUG14).previous is None
    assert submit_context_by_code(code="31318", day=dt.date(2020, 8, 30)).previous.date == AUG16
    assert submit_context_by_code(code="31318", day=None).previous is None


def test_the_latest_campaign_wins(hau_giang):
    later = Campaign.objects.get(pk=hau_giang.pk)
    later.pk = None
    later.name, later.start_date, later.target_date = "Đợt 2", dt.date(2021, 5, 1), dt.date(2021, 6, 1)
    later.save()
    assert submit_context_by_code(code="930", day=AUG15).campaign.pk == later.pk == campaign_current().pk


def test_codes_no_unit_has_are_none_without_asking_the_database(hau_giang):
    assert submit_context_by_code(code="99999", day=AUG15) is None
    with CaptureQueriesContext(connection) as queries:
        for code in ("", "3" * 200, "313\x0018"):
            assert submit_context_by_code(code=code, day=AUG15) is None
    assert len(queries) == 0


def _context_fields(context) -> tuple | None:
    if context is None:
        return None
    parts = (context.unit, context.campaign, context.previous)
    return tuple(None if part is None else {name: getattr(part, name) for name in part.__dict__ if name != "_state"}
                 for part in parts)


@pytest.mark.postgres
def test_the_function_reads_what_the_portable_statement_reads_on_random_reports(lan, hoa):
    """reporting_submit_context() (migration 0007) against the portable SQL, on the same random data."""
    rng = random.Random(7)
    units = [lan.unit, hoa.unit, Unit.objects.get(code="930"), Unit.objects.get(code="31321")]
    for _ in range(25):
        reporter = rng.choice([lan, hoa])
        day = AUG14 + dt.timedelta(days=rng.randrange(10))
        report_submit(user=reporter, unit=reporter.unit, day=day,
                      values={"residents_installed": rng.randrange(0, 2000), "staff_installed": rng.randrange(0, 20)},
                      now=local(day.year, day.month, day.day, 9))
    probes = [(unit, AUG14 + dt.timedelta(days=rng.randrange(-2, 14))) for unit in units for _ in range(6)]
    for unit, day in [*probes, (lan.unit, None)]:
        by_function = _context("code", unit.code, day, function=True)
        by_statement = _context("code", unit.code, day, function=False)
        assert _context_fields(by_function) == _context_fields(by_statement)
        assert _context_fields(_context("id", unit.pk, day, function=True)) == _context_fields(by_statement)
    assert any(_context("code", u.code, d, function=True).previous for u, d in probes), "some probes find a report"
    for code in ("99999", "3131"):
        assert _context("code", code, AUG15, function=True) is None
        assert _context("code", code, AUG15, function=False) is None
