-- The per-unit lock (1748) every writer of a unit's reports takes first, so each transaction's 'before' is what
-- the previous one committed.
CREATE OR REPLACE FUNCTION reporting_progress_lock_unit(unit bigint)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
BEGIN
    PERFORM pg_advisory_xact_lock(1748, (unit % 2147483647)::int);
END $function$;
