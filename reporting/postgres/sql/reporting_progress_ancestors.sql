-- Ids of the units whose path is a proper prefix of `p`: a leaf's ancestors, whose progress rows its reports
-- change.
CREATE OR REPLACE FUNCTION reporting_progress_ancestors(p text)
 RETURNS bigint[]
 LANGUAGE plpgsql
 STABLE
AS $function$
DECLARE
    parts text[] := string_to_array(rtrim(p, '/'), '/');
    prefix text := '';
    prefixes text[] := '{}';
BEGIN
    FOR i IN 1 .. COALESCE(cardinality(parts), 0) - 1 LOOP
        prefix := prefix || parts[i] || '/';
        prefixes := prefixes || prefix;
    END LOOP;
    RETURN (SELECT COALESCE(array_agg(u.id ORDER BY u.id), '{}') FROM units_unit u WHERE u.path = ANY (prefixes));
END $function$;
