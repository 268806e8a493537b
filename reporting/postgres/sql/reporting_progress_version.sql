-- For caches: the caller's own changes applied, then the current data version; NULL while the table is not kept.
CREATE OR REPLACE FUNCTION reporting_progress_version()
 RETURNS text
 LANGUAGE plpgsql
AS $function$
BEGIN
    PERFORM reporting_progress_apply();
    RETURN (SELECT v.version FROM reporting_progress_version v WHERE EXISTS (SELECT 1 FROM reporting_progressspan));
END $function$;
