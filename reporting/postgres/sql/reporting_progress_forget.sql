-- Empties the pending tables of the current transaction's captures once they are applied.
CREATE OR REPLACE FUNCTION reporting_progress_forget()
 RETURNS void
 LANGUAGE plpgsql
AS $function$
BEGIN
    -- Rows in key order, as every update takes them: concurrent writers wait rather than deadlock.
    PERFORM 1 FROM reporting_progressday ORDER BY unit_id, date FOR UPDATE;
    DELETE FROM reporting_progressday;
    DELETE FROM reporting_progressspan;
    PERFORM reporting_progress_bump();
END $function$;
