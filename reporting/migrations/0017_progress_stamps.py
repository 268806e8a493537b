"""Cached progress answers go stale per territory and day, not all at once (issue 17).

A report save used to draw a new data version for the whole country, so every
cached answer — every day, every province — was thrown away by each of the
hundreds of saves a minute before 15:00. Now a report change stamps its
territory (the first two levels of its unit's path) and its date, and an
answer about a territory up to a day is keyed by the stamps inside or above
that territory dated on or before that day (reporting_progress_scope_version),
plus the country-wide version, which only unit changes and rebuilds still
change. The stamps come from a sequence and are drawn while the row is locked,
so they only grow: their sum and count never repeat for a different state.
"""

from pathlib import Path

from django.db import migrations

from reporting.postgres import sql_install, sql_objects

COPY = Path(__file__).resolve().parent / "sql" / "0017_progress_stamps"
BEFORE = Path(__file__).resolve().parent / "sql" / "0012_sql_objects_from_files"

TABLE = """
CREATE SEQUENCE reporting_progress_stamp_seq;
CREATE TABLE reporting_progress_stamp (
    territory text NOT NULL,
    date date NOT NULL,
    stamp bigint NOT NULL,
    PRIMARY KEY (territory, date)
);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TABLE, params=None)
        sql_install(schema_editor, COPY)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        before = sql_objects(BEFORE)
        for name in ("reporting_progress_apply", "reporting_progress_apply_save"):
            schema_editor.execute(before[name], params=None)
        schema_editor.execute("DROP FUNCTION IF EXISTS reporting_progress_scope_version(text, date); "
                              "DROP FUNCTION IF EXISTS reporting_progress_stamp(text, date); "
                              "DROP TABLE IF EXISTS reporting_progress_stamp; "
                              "DROP SEQUENCE IF EXISTS reporting_progress_stamp_seq;", params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("reporting", "0016_revision_submission_key"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
