-- Applies what the current transaction changed (captured in the pending tables) to the progress rows; a no-op
-- when it changed nothing. Runs at commit.
CREATE OR REPLACE FUNCTION reporting_progress_apply()
 RETURNS void
 LANGUAGE plpgsql
AS $function$
DECLARE
    t xid8 := pg_current_xact_id_if_assigned();
    span record;
    v_units bigint[];
    v_days date[];
    v_residents bigint[];
    v_reported int[];
    v_on_time int[];
    v_leaves int[];
BEGIN
    IF t IS NULL THEN
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM reporting_progress_pending_report p WHERE p.txid = t)
       AND NOT EXISTS (SELECT 1 FROM reporting_progress_pending_unit p WHERE p.txid = t) THEN
        RETURN;
    END IF;
    SELECT s.first_date, s.last_date INTO span FROM reporting_progressspan s;
    IF FOUND THEN
        IF EXISTS (
            SELECT 1 FROM reporting_progress_pending_unit p JOIN units_unit u ON u.id = p.unit_id
            WHERE p.txid = t AND p.path IS DISTINCT FROM u.path
              AND EXISTS (SELECT 1 FROM reporting_progressday d WHERE d.unit_id = p.unit_id)
        ) THEN
            -- Leaves are summed under this unit by path: rebuild on the next read rather than guess.
            PERFORM reporting_progress_forget();
        ELSE
            SELECT array_agg(x.unit_id ORDER BY x.unit_id, x.day), array_agg(x.day ORDER BY x.unit_id, x.day),
                   array_agg(x.r ORDER BY x.unit_id, x.day), array_agg(x.p ORDER BY x.unit_id, x.day),
                   array_agg(x.o ORDER BY x.unit_id, x.day), array_agg(x.l ORDER BY x.unit_id, x.day)
            INTO v_units, v_days, v_residents, v_reported, v_on_time, v_leaves
            FROM (
                SELECT d.unit_id, d.day, SUM(d.residents)::bigint AS r, SUM(d.reported)::int AS p,
                       SUM(d.on_time)::int AS o, SUM(d.leaves)::int AS l
                FROM (SELECT p.unit_id FROM reporting_progress_pending_report p WHERE p.txid = t
                      UNION SELECT p.unit_id FROM reporting_progress_pending_unit p WHERE p.txid = t) touched,
                     LATERAL reporting_progress_leaf_delta(t, touched.unit_id, span.first_date, span.last_date) d
                GROUP BY d.unit_id, d.day
                HAVING SUM(d.residents) <> 0 OR SUM(d.reported) <> 0 OR SUM(d.on_time) <> 0 OR SUM(d.leaves) <> 0
            ) x;
            IF v_units IS NOT NULL THEN
                -- Lock the rows in key order first: two commits touching the same rows wait, never deadlock.
                PERFORM 1 FROM reporting_progressday d
                JOIN unnest(v_units, v_days) AS k(unit_id, day) ON d.unit_id = k.unit_id AND d.date = k.day
                ORDER BY d.unit_id, d.date
                FOR UPDATE OF d;
                UPDATE reporting_progressday d
                SET residents_installed = d.residents_installed + k.r,
                    reported_leaves = d.reported_leaves + k.p,
                    on_time_leaves = d.on_time_leaves + k.o,
                    leaves = d.leaves + k.l
                FROM unnest(v_units, v_days, v_residents, v_reported, v_on_time, v_leaves) AS k(unit_id, day, r, p, o, l)
                WHERE d.unit_id = k.unit_id AND d.date = k.day;
            END IF;
        END IF;
    END IF;
    -- Last, after the rows: every commit takes locks in the same order (rows, version, stamps by key). A unit
    -- change may change any figure, and so may a deleted report (even a snapshot taken before it was deleted:
    -- reporting.live seals those); a saved report only its territory's from its date on.
    IF EXISTS (SELECT 1 FROM reporting_progress_pending_unit p WHERE p.txid = t)
       OR EXISTS (SELECT 1 FROM reporting_progress_pending_report p WHERE p.txid = t AND p.existed
                  AND NOT EXISTS (SELECT 1 FROM reporting_dailyreport d WHERE d.unit_id = p.unit_id AND d.date = p.date))
    THEN
        PERFORM reporting_progress_bump();
    END IF;
    PERFORM reporting_progress_stamp(x.territory, x.since)
    FROM (
        SELECT (regexp_match(u.path, '^[^/]*/(?:[^/]*/)?'))[1] AS territory, MIN(p.date) AS since
        FROM reporting_progress_pending_report p JOIN units_unit u ON u.id = p.unit_id
        WHERE p.txid = t
        GROUP BY 1
        ORDER BY 1
    ) x;
    DELETE FROM reporting_progress_pending_report p WHERE p.txid = t;
    DELETE FROM reporting_progress_pending_unit p WHERE p.txid = t;
END $function$;
