-- Captures a report's state before the transaction's first change of it, unless reporting_report_save() applies
-- the change itself (reporting.progress_direct).
CREATE OR REPLACE FUNCTION reporting_progress_capture_report()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM reporting_progressspan) THEN
        RETURN NULL;
    END IF;
    -- reporting_report_save() applies this very change itself.
    IF current_setting('reporting.progress_direct', true) = 'on' THEN
        RETURN NULL;
    END IF;
    -- The first capture of a (unit, date) in a transaction holds its state before the transaction.
    IF TG_OP <> 'INSERT' THEN
        PERFORM reporting_progress_lock_unit(OLD.unit_id);
        INSERT INTO reporting_progress_pending_report
        VALUES (pg_current_xact_id(), OLD.unit_id, OLD.date, true, OLD.residents_installed, OLD.on_time)
        ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM reporting_progress_lock_unit(NEW.unit_id);
        INSERT INTO reporting_progress_pending_report
        VALUES (pg_current_xact_id(), NEW.unit_id, NEW.date, false, NULL, NULL)
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $function$;
