-- What a save needs to read, in one call whose plans are kept: the unit (by id or code), the current campaign
-- and the unit's previous report.
CREATE OR REPLACE FUNCTION reporting_submit_context(p_unit bigint, p_code text, p_day date, OUT unit units_unit, OUT campaign units_campaign, OUT previous reporting_dailyreport)
 RETURNS record
 LANGUAGE plpgsql
 STABLE
AS $function$
BEGIN
    IF p_code IS NULL THEN
        SELECT u.* INTO unit FROM units_unit u WHERE u.id = p_unit;
    ELSE
        SELECT u.* INTO unit FROM units_unit u WHERE u.code = p_code;
    END IF;
    IF NOT FOUND THEN
        RETURN;  -- every part NULL: no such unit
    END IF;
    SELECT c.* INTO campaign FROM units_campaign c ORDER BY c.start_date DESC, c.id DESC LIMIT 1;
    IF p_day IS NOT NULL THEN
        SELECT r.* INTO previous FROM reporting_dailyreport r
        WHERE r.unit_id = unit.id AND r.date < p_day
        ORDER BY r.date DESC LIMIT 1;
    END IF;
END $function$;
