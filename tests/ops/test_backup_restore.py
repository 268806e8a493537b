"""The restore drill of docs/operations.md, performed on the test database."""

import subprocess
import uuid

import pytest
from django.db import connection

from reporting.intake.services import report_submit
from reporting.models import DailyReport, ReportRevision
from tests.conftest import local, unit


def _psql_args(name: str) -> list[str]:
    s = connection.settings_dict
    return ["-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432), "-U", s["USER"] or "postgres", name]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pg_dump_and_restore_keep_every_report_and_revision(lan, tmp_path):
    import time_machine

    with time_machine.travel(local(2020, 8, 20, 10, 0), tick=False):
        report_submit(user=lan, unit=unit("31318"), day=local(2020, 8, 20).date(), values={"residents_installed": 900})
        report_submit(user=lan, unit=unit("31318"), day=local(2020, 8, 20).date(), values={"residents_installed": 950})
    dump = tmp_path / "bluezone.dump"
    source = connection.settings_dict["NAME"]
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", *_psql_args(source)],
                   check=True, timeout=120)
    restored = f"restore_drill_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", *_psql_args(restored)], check=True, timeout=60)
    try:
        subprocess.run(["pg_restore", "--no-owner", f"--dbname={restored}", *_psql_args(restored)[:-1], str(dump)],
                       check=True, timeout=120)
        query = "SELECT (SELECT count(*) FROM reporting_dailyreport), (SELECT count(*) FROM reporting_reportrevision)," \
                " (SELECT residents_installed FROM reporting_dailyreport)"
        out = subprocess.run(["psql", "-tA", "-c", query, *_psql_args(restored)], check=True, capture_output=True,
                             text=True, timeout=60).stdout.strip()
    finally:
        subprocess.run(["dropdb", "--if-exists", *_psql_args(restored)], check=False, timeout=60)
    assert out == f"{DailyReport.objects.count()}|{ReportRevision.objects.count()}|950"
    assert out == "1|2|950"
