"""reporting_report_save(): a validated report and its revision, written in one statement (issue 7).

reporting.intake.store calls it on PostgreSQL. Outside an atomic block the
call is its own transaction, so a save costs one round trip instead of six
(BEGIN, unit lock, row lock, update, revision, COMMIT). It writes exactly
what the ORM reference path (report_store.report_write_orm) writes; a test
runs both on the same random submissions and compares every column. Locks
are taken as everywhere else: the unit's progress lock first, then the
report row (see migration 0003); each statement of a PL/pgSQL function sees
what was committed before it started, so the row read after the lock is the
one the last writer of this unit left.

Migration 0003 keeps reporting_progressday exact for any writer by capturing
each changed report in a pending table and applying the captured changes
when the transaction commits; that costs a save more than the save itself.
A save through reporting_report_save() that is a transaction of its own
(p_direct: the caller holds no transaction open) knows everything the
commit-time step would work out, so it applies the change to its leaf's
ancestors at once and tells the capture trigger to skip this row:

* installs: the leaf's carried figure changes from the day of the report to
  the day before its next report (within the table's span), by the new
  figure minus what the leaf carried on that day before;
* reported / on-time leaves: on the report's own day, when the report is new.

Rows are locked in key order and the version bumped last, as the commit-time
step does, so the two wait for each other and never deadlock; no lock on
another unit is taken afterwards because the transaction ends with the
statement. Inside a caller's transaction (an import, a test) the save keeps
going through the capture and the commit-time step.

Also: three small helpers of 0003 become PL/pgSQL so that their plans are
cached for the session (SQL-language functions are planned on every call).
Functions of 0003 are changed from 0003's own text (migrations/_sql.py).
"""

from django.db import migrations

from ._sql import function_sql, migration_sql

SQL = r"""
CREATE OR REPLACE FUNCTION reporting_progress_ancestors(p text) RETURNS bigint[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
    parts text[] := string_to_array(rtrim(p, '/'), '/');
    prefix text := '';
    prefixes text[] := '{}';
BEGIN
    FOR i IN 1 .. COALESCE(cardinality(parts), 0) - 1 LOOP
        prefix := prefix || parts[i] || '/';
        prefixes := prefixes || prefix;
    END LOOP;
    RETURN (SELECT COALESCE(array_agg(u.id ORDER BY u.id), '{}') FROM units_unit u WHERE u.path = ANY (prefixes));
END $$;

CREATE OR REPLACE FUNCTION reporting_progress_bump() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE reporting_progress_version SET version = gen_random_uuid()::text;
END $$;

CREATE OR REPLACE FUNCTION reporting_progress_lock_unit(unit bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(1748, (unit % 2147483647)::int);
END $$;

-- What one report change does to the progress table, applied now. `existed`: the report was there
-- before (with old_residents / old_on_time); the new report has new_residents / new_on_time.
CREATE FUNCTION reporting_progress_apply_save(
    leaf bigint, day date, existed boolean, old_residents bigint, old_on_time boolean,
    new_residents bigint, new_on_time boolean) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    span record;
    leaf_path text;
    member boolean;
    ancestors bigint[];
    carried_before bigint;
    next_day date;
    d_residents bigint;
    d_reported int := 0;
    d_on_time int := 0;
    res_from date;
    res_to date;
    lo date;
    hi date;
BEGIN
    IF existed AND old_residents IS NOT DISTINCT FROM new_residents AND old_on_time IS NOT DISTINCT FROM new_on_time THEN
        RETURN;  -- the capture trigger would not have fired either
    END IF;
    SELECT s.first_date, s.last_date INTO span FROM reporting_progressspan s;
    IF NOT FOUND THEN
        RETURN;  -- the table is not kept: nothing to apply, nothing cached
    END IF;
    SELECT reporting_progress_member(u.kind, u.active), u.path INTO member, leaf_path
    FROM units_unit u WHERE u.id = leaf;
    IF member THEN
        -- As rule 1 reads it: a leaf carries its latest report's figure (an empty figure counts as 0).
        IF existed THEN
            carried_before := COALESCE(old_residents, 0);
        ELSE
            carried_before := COALESCE((
                SELECT r.residents_installed FROM reporting_dailyreport r
                WHERE r.unit_id = leaf AND r.date < day ORDER BY r.date DESC LIMIT 1), 0);
        END IF;
        d_residents := COALESCE(new_residents, 0) - carried_before;
        IF NOT existed AND day BETWEEN span.first_date AND span.last_date THEN
            d_reported := 1;
            d_on_time := CASE WHEN new_on_time THEN 1 ELSE 0 END;
        ELSIF existed AND day BETWEEN span.first_date AND span.last_date THEN
            d_on_time := (CASE WHEN new_on_time THEN 1 ELSE 0 END) - (CASE WHEN old_on_time THEN 1 ELSE 0 END);
        END IF;
        res_from := GREATEST(day, span.first_date);
        res_to := span.last_date;
        IF d_residents <> 0 THEN
            SELECT MIN(r.date) INTO next_day FROM reporting_dailyreport r WHERE r.unit_id = leaf AND r.date > day;
            IF next_day IS NOT NULL THEN
                res_to := LEAST(res_to, next_day - 1);
            END IF;
        END IF;
        IF d_residents <> 0 AND res_from <= res_to THEN
            lo := res_from;
            hi := res_to;
        END IF;
        IF d_reported <> 0 OR d_on_time <> 0 THEN
            lo := LEAST(lo, day);
            hi := GREATEST(hi, day);
        END IF;
        IF lo IS NOT NULL THEN
            ancestors := reporting_progress_ancestors(leaf_path);
            -- Key order, as the commit-time step locks them: concurrent writers wait, never deadlock.
            PERFORM 1 FROM reporting_progressday d
            WHERE d.unit_id = ANY (ancestors) AND d.date BETWEEN lo AND hi
            ORDER BY d.unit_id, d.date
            FOR UPDATE;
            UPDATE reporting_progressday d SET
                residents_installed = d.residents_installed
                    + CASE WHEN d.date BETWEEN res_from AND res_to THEN d_residents ELSE 0 END,
                reported_leaves = d.reported_leaves + CASE WHEN d.date = day THEN d_reported ELSE 0 END,
                on_time_leaves = d.on_time_leaves + CASE WHEN d.date = day THEN d_on_time ELSE 0 END
            WHERE d.unit_id = ANY (ancestors) AND d.date BETWEEN lo AND hi;
        END IF;
    END IF;
    -- Last, after the rows; and even when no row changed, as the commit-time step does for any capture.
    PERFORM reporting_progress_bump();
END $$;

CREATE FUNCTION reporting_report_save(
    p_campaign bigint, p_unit bigint, p_date date, p_user bigint, p_channel text, p_ip inet,
    p_now timestamptz, p_on_time boolean,
    p_residents bigint, p_staff bigint, p_family bigint, p_assisted bigint, p_note text,
    p_late_reason text, p_warnings jsonb, p_direct boolean,
    OUT report_id bigint, OUT created boolean, OUT revision_id bigint, OUT revision_number integer,
    OUT campaign_id bigint, OUT first_submitted_at timestamptz, OUT first_submitted_by_id bigint,
    OUT on_time boolean, OUT late_reason text, OUT previous jsonb)
LANGUAGE plpgsql AS $$
DECLARE
    old reporting_dailyreport;
    existed boolean := false;
BEGIN
    PERFORM reporting_progress_lock_unit(p_unit);
    IF p_direct THEN
        PERFORM set_config('reporting.progress_direct', 'on', true);
    END IF;
    SELECT * INTO old FROM reporting_dailyreport r WHERE r.unit_id = p_unit AND r.date = p_date FOR UPDATE;
    existed := FOUND;
    IF NOT existed THEN
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
            existed := true;
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
    -- Last: the progress rows every save shares are held for as short a time as possible.
    IF p_direct THEN
        PERFORM set_config('reporting.progress_direct', 'off', true);
        PERFORM reporting_progress_apply_save(
            p_unit, p_date, existed, old.residents_installed, old.on_time, p_residents, on_time);
    END IF;
END $$;
"""

# The capture trigger of migration 0003, told to skip the row such a save applies itself.
CAPTURE_SKIP = (
    "    -- The first capture of a (unit, date) in a transaction holds its state before the transaction.\n",
    "    -- reporting_report_save() applies this very change itself.\n"
    "    IF current_setting('reporting.progress_direct', true) = 'on' THEN\n"
    "        RETURN NULL;\n"
    "    END IF;\n",
)
REPLACED_0003 = ("reporting_progress_ancestors", "reporting_progress_bump", "reporting_progress_lock_unit",
                 "reporting_progress_capture_report")


def _capture_with_skip() -> str:
    text = function_sql(migration_sql("0003_perf_progress_table"), "reporting_progress_capture_report")
    before, added = CAPTURE_SKIP
    assert text.count(before) == 1
    return text.replace(before, added + before)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL, params=None)
        schema_editor.execute(_capture_with_skip(), params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP FUNCTION reporting_report_save(bigint, bigint, date, bigint, text, inet, timestamptz, boolean,"
            " bigint, bigint, bigint, bigint, text, text, jsonb, boolean);"
            " DROP FUNCTION reporting_progress_apply_save(bigint, date, boolean, bigint, boolean, bigint, boolean);",
            params=None,
        )
        old = migration_sql("0003_perf_progress_table")
        schema_editor.execute("\n\n".join(function_sql(old, name) for name in REPLACED_0003), params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("reporting", "0004_plural_names"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
