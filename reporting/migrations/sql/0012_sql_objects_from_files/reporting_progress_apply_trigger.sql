-- The function of the two deferred apply triggers: reporting_progress_apply(), once per transaction.
CREATE OR REPLACE FUNCTION reporting_progress_apply_trigger()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    PERFORM reporting_progress_apply();
    RETURN NULL;
END $function$;
