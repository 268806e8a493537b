"""reporting_submit_context(): what a save reads before it writes, with plans kept for the session (issue 7).

reporting.intake.context reads the unit, the current campaign and the
unit's latest report before the day in one statement. As plain SQL sent by
Django, PostgreSQL plans that three-table statement on every save, which
costs twice what running it does. The statements of a PL/pgSQL function are
planned once per connection, so on PostgreSQL the selector calls this
function instead; the rows come back whole (typed as the tables are) and the
selector picks their columns by the models' own lists, as before. SQLite
keeps the portable statement; tests/reporting/intake/test_selectors_submit.py checks
both against the ORM.

Exactly one of p_unit (an id) and p_code is given. The campaign is chosen as
campaigns.campaign_current() chooses it: the latest start, then the latest row.
"""

from django.db import migrations

SQL = r"""
CREATE FUNCTION reporting_submit_context(
    p_unit bigint, p_code text, p_day date,
    OUT unit units_unit, OUT campaign units_campaign, OUT previous reporting_dailyreport)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF p_code IS NULL THEN
        SELECT u.* INTO unit FROM units_unit u WHERE u.id = p_unit;
    ELSE
        SELECT u.* INTO unit FROM units_unit u WHERE u.code = p_code;
    END IF;
    IF NOT FOUND THEN
        RETURN;  -- every part NULL: no such unit
    END IF;
    SELECT c.* INTO campaign FROM units_campaign c ORDER BY c.start_date DESC, c.id DESC LIMIT 1;
    IF p_day IS NOT NULL THEN
        SELECT r.* INTO previous FROM reporting_dailyreport r
        WHERE r.unit_id = unit.id AND r.date < p_day
        ORDER BY r.date DESC LIMIT 1;
    END IF;
END $$;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION reporting_submit_context(bigint, text, date);", params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("reporting", "0006_closed_days"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
