-- A new data version: every cached progress answer keyed by the old one is stale.
CREATE OR REPLACE FUNCTION reporting_progress_bump()
 RETURNS void
 LANGUAGE plpgsql
AS $function$
BEGIN
    UPDATE reporting_progress_version SET version = gen_random_uuid()::text;
END $function$;
