-- Captures a unit's state before the transaction's first change of it (a move, a new population, a closed
-- commune).
CREATE OR REPLACE FUNCTION reporting_progress_capture_unit()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM reporting_progressspan) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM reporting_progress_lock_unit(NEW.id);
        INSERT INTO reporting_progress_pending_unit VALUES (pg_current_xact_id(), NEW.id, false, NULL)
        ON CONFLICT DO NOTHING;
    ELSE
        PERFORM reporting_progress_lock_unit(OLD.id);
        INSERT INTO reporting_progress_pending_unit
        VALUES (pg_current_xact_id(), OLD.id, reporting_progress_member(OLD.kind, OLD.active), OLD.path)
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $function$;
