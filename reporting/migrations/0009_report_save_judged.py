"""reporting_report_save_judged(): the one-statement save, ordered against the closing of its day.

A save that would be on time first takes its day's lock shared (key 1749,
days since 2000-01-01: reporting.watch.day_lock), which the closing of that day
takes exclusively, and then checks that the day is still open. If the day
was closed meanwhile, the save has waited longer than any arrival the portal
believes, so it is written as received at this instant (late, and after the
15:00 snapshot). Then it calls reporting_report_save() of migration 0005,
unchanged, in the same transaction; `saved_at` says which instant was written.
"""

from django.db import migrations

SQL = r"""
CREATE FUNCTION reporting_report_save_judged(
    p_campaign bigint, p_unit bigint, p_date date, p_user bigint, p_channel text, p_ip inet,
    p_now timestamptz, p_on_time boolean,
    p_residents bigint, p_staff bigint, p_family bigint, p_assisted bigint, p_note text,
    p_late_reason text, p_warnings jsonb, p_direct boolean)
RETURNS TABLE (report_id bigint, created boolean, revision_id bigint, revision_number integer,
               campaign_id bigint, first_submitted_at timestamptz, first_submitted_by_id bigint,
               on_time boolean, late_reason text, previous jsonb, saved_at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
    v_now timestamptz := p_now;
    v_on_time boolean := p_on_time;
BEGIN
    IF v_on_time THEN
        PERFORM pg_advisory_xact_lock_shared(1749, p_date - DATE '2000-01-01');
        IF EXISTS (SELECT 1 FROM reporting_closedday c WHERE c.campaign_id = p_campaign AND c.date = p_date) THEN
            v_on_time := false;
            v_now := clock_timestamp();
        END IF;
    END IF;
    RETURN QUERY
        SELECT s.report_id, s.created, s.revision_id, s.revision_number, s.campaign_id, s.first_submitted_at,
               s.first_submitted_by_id, s.on_time, s.late_reason, s.previous, v_now
        FROM reporting_report_save(p_campaign, p_unit, p_date, p_user, p_channel, p_ip, v_now, v_on_time,
                                   p_residents, p_staff, p_family, p_assisted, p_note, p_late_reason,
                                   p_warnings, p_direct) AS s;
END $$;
"""

DROP = (
    "DROP FUNCTION reporting_report_save_judged(bigint, bigint, date, bigint, text, inet, timestamptz, boolean,"
    " bigint, bigint, bigint, bigint, text, text, jsonb, boolean);"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("reporting", "0008_drop_indexes_led_by_composites"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
