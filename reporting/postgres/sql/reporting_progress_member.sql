-- A leaf counts when it is an active ward, township or commune (rule 1).
CREATE OR REPLACE FUNCTION reporting_progress_member(kind text, active boolean)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE
AS $function$ SELECT active AND kind IN ('ward', 'township', 'commune') $function$;
