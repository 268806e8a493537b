"""A typed report is received once: each revision may carry its author's submission key (issue 16).

The phone form sends a key with every typed report; a report sent again
under a key its author already used (the phone back online after a lost
answer, a double tap) writes nothing and is answered with the first
revision (reporting.intake.services). The partial unique index backs it
when two copies race; on PostgreSQL the one-statement save checks the key
under the unit lock, so its signature gains the key and a `repeated` answer.
"""

from pathlib import Path

from django.conf import settings
from django.db import migrations, models

from reporting.postgres import sql_install, sql_statement

SQL = Path(__file__).resolve().parent / "sql"
COPY = SQL / "0016_revision_submission_key"
BEFORE = SQL / "0012_sql_objects_from_files"
ARGS = "bigint, bigint, date, bigint, text, inet, timestamptz, boolean, bigint, bigint, bigint, bigint, text, text, jsonb, boolean"
# The judged save calls the plain one: dropped first, installed last.
NAMES = ("reporting_report_save_judged", "reporting_report_save")


def _drop(schema_editor, args: str) -> None:
    for name in NAMES:
        schema_editor.execute(f"DROP FUNCTION {name}({args})", params=None)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _drop(schema_editor, ARGS)
        sql_install(schema_editor, COPY)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _drop(schema_editor, f"{ARGS}, uuid")
        for name in reversed(NAMES):
            schema_editor.execute(sql_statement((BEFORE / f"{name}.sql").read_text()), params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('reporting', '0015_questions'),
        ('units', '0003_campaign_jump_threshold'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='reportrevision',
            name='submission_key',
            field=models.UUIDField(blank=True, editable=False, null=True, verbose_name='mã lần gửi'),
        ),
        migrations.AddConstraint(
            model_name='reportrevision',
            constraint=models.UniqueConstraint(condition=models.Q(('submission_key__isnull', False)), fields=('author', 'submission_key'), name='revision_submission_once'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
