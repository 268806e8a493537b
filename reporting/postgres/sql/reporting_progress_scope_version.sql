-- For caches of figures about one territory up to one day: the caller's own changes applied, then a version
-- that changes with every unit change (reporting_progress_version) and every report change of a date on or
-- before `last` in a territory inside `scope_path` or above it; NULL while the table is not kept.
CREATE OR REPLACE FUNCTION reporting_progress_scope_version(scope_path text, last date)
 RETURNS text
 LANGUAGE plpgsql
AS $function$
BEGIN
    PERFORM reporting_progress_apply();
    RETURN (
        SELECT v.version || ':' || count(s.stamp) || ':' || COALESCE(sum(s.stamp), 0)
        FROM reporting_progress_version v
        LEFT JOIN reporting_progress_stamp s
            ON s.date <= last AND (starts_with(s.territory, scope_path) OR starts_with(scope_path, s.territory))
        WHERE EXISTS (SELECT 1 FROM reporting_progressspan)
        GROUP BY v.version
    );
END $function$;
