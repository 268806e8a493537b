"""Every function and trigger of the fast path installed again from files, one per object (reporting.postgres).

The text is what migrations 0003–0011 left in the database, read back from
PostgreSQL, so this changes nothing that runs; from here on the current
text of each object is its file in reporting/postgres/sql/, and a later
change ships a copy of the changed files in a folder of its own under
migrations/sql/, as this one does.
"""

from pathlib import Path

from django.db import migrations

from reporting.postgres import sql_install

COPY = Path(__file__).resolve().parent / "sql" / "0012_sql_objects_from_files"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        sql_install(schema_editor, COPY)


class Migration(migrations.Migration):

    dependencies = [
        ("reporting", "0011_blank_keeps_previous_figure"),
    ]

    # Backwards there is nothing to undo: the same text was in place before.
    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
