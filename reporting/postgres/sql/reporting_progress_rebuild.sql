-- The whole table from the reports for [first, last]; a blank residents count keeps the leaf's previous figure.
CREATE OR REPLACE FUNCTION reporting_progress_rebuild(first date, last date)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
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
END $function$;
