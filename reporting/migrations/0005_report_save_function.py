"""reporting_report_save(): a validated report and its revision, written in one statement (issue 7).

reporting.report_store calls it on PostgreSQL. Outside an atomic block the
call is its own transaction, so a save costs one round trip instead of six
(BEGIN, unit lock, row lock, update, revision, COMMIT). It writes exactly
what the ORM reference path (report_store.report_write_orm) writes; a test
runs both on the same random submissions and compares every column.

Order of locks as everywhere else: the unit's progress lock first, then the
report row (see migration 0003). Each statement of a PL/pgSQL function sees
what was committed before it started, so the row read after the lock is the
one the last writer of this unit left.
"""

from django.db import migrations

SQL = r"""
CREATE FUNCTION reporting_report_save(
    p_campaign bigint, p_unit bigint, p_date date, p_user bigint, p_channel text, p_ip inet,
    p_now timestamptz, p_on_time boolean,
    p_residents bigint, p_staff bigint, p_family bigint, p_assisted bigint, p_note text,
    p_late_reason text, p_warnings jsonb,
    OUT report_id bigint, OUT created boolean, OUT revision_id bigint, OUT revision_number integer,
    OUT campaign_id bigint, OUT first_submitted_at timestamptz, OUT first_submitted_by_id bigint,
    OUT on_time boolean, OUT late_reason text, OUT previous jsonb)
LANGUAGE plpgsql AS $$
DECLARE
    old reporting_dailyreport;
BEGIN
    PERFORM reporting_progress_lock_unit(p_unit);
    SELECT * INTO old FROM reporting_dailyreport r WHERE r.unit_id = p_unit AND r.date = p_date FOR UPDATE;
    IF NOT FOUND THEN
        -- p_late_reason NULL means "keep the report's reason": a new report has none.
        INSERT INTO reporting_dailyreport AS r (
            campaign_id, unit_id, date, residents_installed, staff_installed, family_installed,
            assisted_installs, note, late_reason, first_submitted_at, first_submitted_by_id, on_time,
            updated_at, updated_by_id, channel, revision_count, warnings)
        VALUES (
            p_campaign, p_unit, p_date, p_residents, p_staff, p_family, p_assisted, p_note,
            COALESCE(p_late_reason, ''), p_now, p_user, p_on_time, p_now, p_user, p_channel, 1, p_warnings)
        ON CONFLICT (unit_id, date) DO NOTHING
        RETURNING r.id, r.campaign_id, r.first_submitted_at, r.first_submitted_by_id, r.on_time, r.late_reason
        INTO report_id, campaign_id, first_submitted_at, first_submitted_by_id, on_time, late_reason;
        IF FOUND THEN
            created := true;
            revision_number := 1;
        ELSE
            -- Written by someone who does not take the unit lock (an admin, a loader) since the SELECT.
            SELECT * INTO STRICT old FROM reporting_dailyreport r
            WHERE r.unit_id = p_unit AND r.date = p_date FOR UPDATE;
            -- As in the ORM path: that row counts as created when no revision was ever recorded for it.
            created := old.revision_count = 0;
        END IF;
    END IF;
    IF report_id IS NULL THEN
        created := COALESCE(created, false);
        IF NOT created THEN
            previous := jsonb_build_object(
                'residents_installed', old.residents_installed, 'staff_installed', old.staff_installed,
                'family_installed', old.family_installed, 'assisted_installs', old.assisted_installs,
                'note', old.note);
        END IF;
        UPDATE reporting_dailyreport r SET
            residents_installed = p_residents, staff_installed = p_staff, family_installed = p_family,
            assisted_installs = p_assisted, note = p_note, late_reason = COALESCE(p_late_reason, r.late_reason),
            updated_at = p_now, updated_by_id = p_user, channel = p_channel,
            revision_count = r.revision_count + 1, warnings = p_warnings
        WHERE r.id = old.id
        RETURNING r.id, r.revision_count, r.campaign_id, r.first_submitted_at, r.first_submitted_by_id,
                  r.on_time, r.late_reason
        INTO report_id, revision_number, campaign_id, first_submitted_at, first_submitted_by_id,
             on_time, late_reason;
    END IF;
    INSERT INTO reporting_reportrevision AS v (
        report_id, unit_id, date, number, created_at, author_id, channel, ip_address,
        residents_installed, staff_installed, family_installed, assisted_installs, note, previous, warnings)
    VALUES (
        report_id, p_unit, p_date, revision_number, p_now, p_user, p_channel, p_ip,
        p_residents, p_staff, p_family, p_assisted, p_note, previous, p_warnings)
    RETURNING v.id INTO revision_id;
END $$;
"""

DROP_SQL = """
DROP FUNCTION IF EXISTS reporting_report_save(
    bigint, bigint, date, bigint, text, inet, timestamptz, boolean, bigint, bigint, bigint, bigint, text, text, jsonb);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("reporting", "0004_plural_names"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
