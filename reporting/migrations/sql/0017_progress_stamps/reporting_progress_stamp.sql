-- A report change of `day` in the territory of `unit_path` (its first two path levels: a province of the
-- country, a district of a province): cached answers that read that territory on or after `day` are stale,
-- every other answer stays (issue 17). The new stamp is drawn while the row is locked, so a row's stamp only
-- grows and no two states of the data read the same sum.
CREATE OR REPLACE FUNCTION reporting_progress_stamp(unit_path text, day date)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF unit_path IS NULL OR day IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO reporting_progress_stamp AS s (territory, date, stamp)
    VALUES ((regexp_match(unit_path, '^[^/]*/(?:[^/]*/)?'))[1], day, nextval('reporting_progress_stamp_seq'))
    ON CONFLICT (territory, date) DO UPDATE SET stamp = nextval('reporting_progress_stamp_seq');
END $function$;
