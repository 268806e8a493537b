-- A new board version: live boards (reporting.live) answer 304 until a flag, an excuse or a question changes.
CREATE OR REPLACE FUNCTION reporting_board_bump()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    UPDATE reporting_board_version SET version = gen_random_uuid()::text;
    RETURN NULL;
END $function$;
