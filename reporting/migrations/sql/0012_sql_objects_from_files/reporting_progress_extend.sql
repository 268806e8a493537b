-- One more day (or a few): copies of the last day's rows, then the reports already dated in the new days
-- applied, so a report for today changes today's rows only.
CREATE OR REPLACE FUNCTION reporting_progress_extend(new_last date)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
DECLARE
    span record;
BEGIN
    LOCK TABLE reporting_dailyreport, units_unit IN SHARE MODE;
    LOCK TABLE reporting_progressspan IN SHARE ROW EXCLUSIVE MODE;
    SELECT s.first_date, s.last_date INTO span FROM reporting_progressspan s;
    IF NOT FOUND OR span.last_date >= new_last THEN
        RETURN;
    END IF;
    INSERT INTO reporting_progressday (unit_id, date, residents_installed, leaves, reported_leaves, on_time_leaves)
    SELECT d.unit_id, g::date, d.residents_installed, d.leaves, 0, 0
    FROM reporting_progressday d, generate_series(span.last_date + 1, new_last, interval '1 day') g
    WHERE d.date = span.last_date
    ORDER BY 2, 1;
    UPDATE reporting_progressspan SET last_date = new_last;
    -- The copied rows know nothing of the new days' reports, this transaction's own included.
    IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
        UPDATE reporting_progress_pending_report p SET existed = false, residents = NULL, on_time = NULL
        WHERE p.txid = pg_current_xact_id() AND p.date > span.last_date;
    END IF;
    INSERT INTO reporting_progress_pending_report (txid, unit_id, date, existed, residents, on_time)
    SELECT pg_current_xact_id(), r.unit_id, r.date, false, NULL, NULL
    FROM reporting_dailyreport r
    WHERE r.date > span.last_date AND r.date <= new_last
    ON CONFLICT DO NOTHING;
    PERFORM reporting_progress_apply();
    PERFORM reporting_progress_bump();
END $function$;
