-- What one report save does to the progress rows of its leaf's ancestors, applied at once by
-- reporting_report_save() when the save is a transaction of its own. A blank residents count keeps the leaf's
-- previous figure (rule 1, per field).
CREATE OR REPLACE FUNCTION reporting_progress_apply_save(leaf bigint, day date, existed boolean, old_residents bigint, old_on_time boolean, new_residents bigint, new_on_time boolean)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
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
    PERFORM reporting_progress_stamp(leaf_path, day);
END $function$;
