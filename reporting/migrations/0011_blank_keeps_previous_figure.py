"""A blank residents count keeps the leaf's previous figure in the progress table (issue 13, rule 1).

Rule 1 carries figures forward per field: a count left blank in a report
means "no new figure today", never zero, so a leaf's installs on D are its
latest non-blank residents figure dated on or before D (0 before its first).
Migrations 0003 and 0005 read a blank as 0. The three functions that turn
reports into figures are installed again here with the per-field rule:

* reporting_progress_series() (a leaf's figures over a span, used at commit
  and when the table grows by a day): a report with a blank figure still
  counts as the leaf reporting that day, but carries the figure before it;
* reporting_progress_rebuild(): only reports with a figure start or end a
  carried figure; every report still counts for "reported" and "on time";
* reporting_progress_apply_save() (the one-statement save of 0005): the
  figure carried before and after the save is the latest non-blank one, and
  the change lasts until the next report that has a figure.

The table built under the old rule is dropped; the next read rebuilds it.
"""

from django.db import migrations

from ._sql import function_sql, migration_sql

SQL = r"""
CREATE OR REPLACE FUNCTION reporting_progress_series(
    t xid8, leaf bigint, first date, last date, before boolean,
    OUT residents bigint[], OUT reported int[], OUT on_time int[]
) LANGUAGE plpgsql STABLE AS $$
DECLARE
    n int := last - first + 1;
    carried bigint := 0;
    figure bigint[] := array_fill(NULL::bigint, ARRAY[n]);
    rep record;
    idx int;
BEGIN
    residents := array_fill(0::bigint, ARRAY[n]);
    reported := array_fill(0, ARRAY[n]);
    on_time := array_fill(0, ARRAY[n]);
    FOR rep IN
        SELECT x.date, x.res, x.on_time FROM (
            SELECT d.date, d.residents_installed AS res, d.on_time
            FROM reporting_dailyreport d
            WHERE d.unit_id = leaf AND d.date <= last
              AND NOT (before AND EXISTS (
                  SELECT 1 FROM reporting_progress_pending_report p
                  WHERE p.txid = t AND p.unit_id = leaf AND p.date = d.date))
            UNION ALL
            SELECT p.date, p.residents, p.on_time
            FROM reporting_progress_pending_report p
            WHERE before AND p.txid = t AND p.unit_id = leaf AND p.existed AND p.date <= last
        ) x ORDER BY x.date
    LOOP
        IF rep.date < first THEN
            -- A blank figure is "no new figure": the one before it stays.
            carried := COALESCE(rep.res, carried);
        ELSE
            idx := rep.date - first + 1;
            figure[idx] := rep.res;
            reported[idx] := 1;
            on_time[idx] := CASE WHEN rep.on_time THEN 1 ELSE 0 END;
        END IF;
    END LOOP;
    FOR i IN 1..n LOOP
        IF figure[i] IS NOT NULL THEN
            carried := figure[i];
        END IF;
        residents[i] := carried;
    END LOOP;
END $$;

CREATE OR REPLACE FUNCTION reporting_progress_rebuild(first date, last date) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    -- No report or unit may change meanwhile: writers already running finish first, new ones wait.
    LOCK TABLE reporting_dailyreport, units_unit IN SHARE MODE;
    -- One builder at a time.
    LOCK TABLE reporting_progressspan IN SHARE ROW EXCLUSIVE MODE;
    IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
        DELETE FROM reporting_progress_pending_report p WHERE p.txid = pg_current_xact_id();
        DELETE FROM reporting_progress_pending_unit p WHERE p.txid = pg_current_xact_id();
    END IF;
    DELETE FROM reporting_progressday;
    DELETE FROM reporting_progressspan;
    INSERT INTO reporting_progressspan (id, first_date, last_date) VALUES (1, first, last);
    INSERT INTO reporting_progressday (unit_id, date, residents_installed, leaves, reported_leaves, on_time_leaves)
    WITH leaf AS (
        SELECT u.id, string_to_array(rtrim(u.path, '/'), '/') AS parts
        FROM units_unit u WHERE reporting_progress_member(u.kind, u.active)
    ), leaf_key AS (
        -- Leaves are grouped by the path above them; each group adds to the units on that path.
        SELECT id, array_to_string(parts[1:cardinality(parts) - 1], '/') || '/' AS key
        FROM leaf WHERE cardinality(parts) > 1
    ), key_ancestor AS (
        SELECT k.key, a.id AS unit_id
        FROM (SELECT DISTINCT key FROM leaf_key) k
        CROSS JOIN LATERAL (SELECT string_to_array(rtrim(k.key, '/'), '/') AS parts) x
        CROSS JOIN LATERAL generate_series(1, cardinality(x.parts)) i
        JOIN units_unit a ON a.path = array_to_string(x.parts[1:i], '/') || '/'
    ), rep AS (
        SELECT r.unit_id, r.date, r.on_time
        FROM reporting_dailyreport r
        WHERE r.date <= last AND r.date >= first AND r.unit_id IN (SELECT id FROM leaf_key)
    ), fig AS (
        -- Only a report with a figure starts or ends one: a blank keeps the figure before it (rule 1).
        SELECT r.unit_id, r.date, r.residents_installed AS res,
               lead(r.date) OVER (PARTITION BY r.unit_id ORDER BY r.date) AS next_date
        FROM reporting_dailyreport r
        WHERE r.date <= last AND r.residents_installed IS NOT NULL AND r.unit_id IN (SELECT id FROM leaf_key)
    ), change AS (
        -- A figure counts from its report's date (or `first`) and is taken away at the next figure.
        SELECT unit_id, GREATEST(date, first) AS day, res AS residents, 0 AS reported, 0 AS on_time
        FROM fig WHERE next_date IS NULL OR next_date > first
        UNION ALL
        SELECT unit_id, next_date, -res, 0, 0 FROM fig WHERE next_date > first
        UNION ALL
        SELECT unit_id, date, 0, 1, on_time::int FROM rep
    ), key_day AS (
        SELECT lk.key, c.day, SUM(c.residents) AS residents, SUM(c.reported) AS reported,
               SUM(c.on_time) AS on_time
        FROM change c JOIN leaf_key lk ON lk.id = c.unit_id
        GROUP BY lk.key, c.day
    ), unit_day AS (
        SELECT ka.unit_id, kd.day, SUM(kd.residents) AS residents, SUM(kd.reported) AS reported,
               SUM(kd.on_time) AS on_time
        FROM key_day kd JOIN key_ancestor ka ON ka.key = kd.key
        GROUP BY ka.unit_id, kd.day
    ), unit_leaves AS (
        SELECT ka.unit_id, COUNT(*) AS leaves
        FROM leaf_key lk JOIN key_ancestor ka ON ka.key = lk.key
        GROUP BY ka.unit_id
    )
    SELECT ul.unit_id, g.day::date,
           SUM(COALESCE(ud.residents, 0)) OVER (PARTITION BY ul.unit_id ORDER BY g.day),
           ul.leaves, COALESCE(ud.reported, 0), COALESCE(ud.on_time, 0)
    FROM unit_leaves ul
    CROSS JOIN generate_series(first, last, interval '1 day') g(day)
    LEFT JOIN unit_day ud ON ud.unit_id = ul.unit_id AND ud.day = g.day::date
    -- Day-major, so that one day's rows (what a dashboard reads) sit together on disk.
    ORDER BY 2, 1;
    PERFORM reporting_progress_bump();
END $$;

-- What one report change does to the progress table, applied now. `existed`: the report was there
-- before (with old_residents / old_on_time); the new report has new_residents / new_on_time.
CREATE OR REPLACE FUNCTION reporting_progress_apply_save(
    leaf bigint, day date, existed boolean, old_residents bigint, old_on_time boolean,
    new_residents bigint, new_on_time boolean) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    span record;
    leaf_path text;
    member boolean;
    ancestors bigint[];
    carried_prior bigint;
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
        -- Rule 1, per field: a blank figure keeps the leaf's latest non-blank one before the day (0 before any).
        IF old_residents IS NULL OR new_residents IS NULL THEN
            carried_prior := COALESCE((
                SELECT r.residents_installed FROM reporting_dailyreport r
                WHERE r.unit_id = leaf AND r.date < day AND r.residents_installed IS NOT NULL
                ORDER BY r.date DESC LIMIT 1), 0);
        END IF;
        carried_before := CASE WHEN existed THEN COALESCE(old_residents, carried_prior) ELSE carried_prior END;
        d_residents := COALESCE(new_residents, carried_prior) - carried_before;
        IF NOT existed AND day BETWEEN span.first_date AND span.last_date THEN
            d_reported := 1;
            d_on_time := CASE WHEN new_on_time THEN 1 ELSE 0 END;
        ELSIF existed AND day BETWEEN span.first_date AND span.last_date THEN
            d_on_time := (CASE WHEN new_on_time THEN 1 ELSE 0 END) - (CASE WHEN old_on_time THEN 1 ELSE 0 END);
        END IF;
        res_from := GREATEST(day, span.first_date);
        res_to := span.last_date;
        IF d_residents <> 0 THEN
            -- Until the next report that has a figure of its own.
            SELECT MIN(r.date) INTO next_day FROM reporting_dailyreport r
            WHERE r.unit_id = leaf AND r.date > day AND r.residents_installed IS NOT NULL;
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

-- Figures built under the old reading of a blank are dropped; the next read builds them again.
SELECT reporting_progress_forget();
"""


def _previous_sql() -> str:
    return "\n\n".join([
        function_sql(migration_sql("0003_perf_progress_table"), "reporting_progress_series"),
        function_sql(migration_sql("0003_perf_progress_table"), "reporting_progress_rebuild"),
        function_sql(migration_sql("0005_report_save_function"), "reporting_progress_apply_save"),
        "SELECT reporting_progress_forget();",
    ])


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_previous_sql(), params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("reporting", "0010_watch_heartbeat"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
