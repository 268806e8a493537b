"""Warnings are stored as a code with its values, no longer as a sentence (rule 7).

Rows saved before this migration carry a pre-worded "message" in the
language of whoever saved them. The sentence is dropped and the one value it
held that the row did not (the new count) is kept as "value"; the count is
the row's own field, so nothing is lost. reporting.record_text words the
warning in the reader's language.
"""

from django.db import migrations

COUNT_FIELDS = ("residents_installed", "staff_installed", "family_installed", "assisted_installs")


def _neutral(row) -> list | None:
    """The row's warnings without sentences, or None when there is nothing to change."""
    changed = False
    result = []
    for warning in row.warnings or []:
        if not isinstance(warning, dict) or "message" not in warning:
            result.append(warning)
            continue
        warning = {key: value for key, value in warning.items() if key != "message"}
        field = warning.get("field")
        if "value" not in warning and field in COUNT_FIELDS:
            warning["value"] = getattr(row, field)
        result.append(warning)
        changed = True
    return result if changed else None


def _drop_messages(model) -> None:
    batch = []
    for row in model.objects.exclude(warnings=[]).only("id", "warnings", *COUNT_FIELDS).iterator(chunk_size=1000):
        warnings = _neutral(row)
        if warnings is not None:
            row.warnings = warnings
            batch.append(row)
        if len(batch) >= 1000:
            model.objects.bulk_update(batch, ["warnings"])
            batch = []
    if batch:
        model.objects.bulk_update(batch, ["warnings"])


def forwards(apps, schema_editor):
    for name in ("DailyReport", "ReportRevision"):
        _drop_messages(apps.get_model("reporting", name))


class Migration(migrations.Migration):

    dependencies = [
        ("reporting", "0012_sql_objects_from_files"),
    ]

    operations = [
        # Backwards keeps the code form: reporting.record_text words both forms.
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
