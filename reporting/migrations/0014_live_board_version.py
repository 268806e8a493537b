"""The live boards' second data version: flags and excuses (reports and units already change the progress version).

A one-row table changed by a statement-level trigger in the same
transaction as any flag change, so `reporting.live` can answer a board's
poll with 304 from two one-row reads. PostgreSQL only: elsewhere the boards
are simply rendered every time.
"""

from pathlib import Path

from django.db import migrations

from reporting.postgres import sql_install

COPY = Path(__file__).resolve().parent / "sql" / "0014_live_board_version"

TABLE = """
CREATE TABLE reporting_board_version (
    id smallint PRIMARY KEY CHECK (id = 1),
    version text NOT NULL
);
INSERT INTO reporting_board_version VALUES (1, gen_random_uuid()::text);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TABLE, params=None)
        sql_install(schema_editor, COPY)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS reporting_board_flag_changed ON reporting_misseddeadline; "
                              "DROP FUNCTION IF EXISTS reporting_board_bump(); "
                              "DROP TABLE IF EXISTS reporting_board_version;", params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("reporting", "0013_warnings_as_codes"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
