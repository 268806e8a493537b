-- For reads: the days the table covers once it covers [first, last], building or extending it when it does not,
-- after applying the caller's own changes; NULLs when the span would be unreasonable (the selectors then read
-- the reports).
CREATE OR REPLACE FUNCTION reporting_progress_ensure(first date, last date, OUT first_date date, OUT last_date date)
 RETURNS record
 LANGUAGE plpgsql
AS $function$
DECLARE
    span record;
BEGIN
    IF last < first THEN
        RETURN;
    END IF;
    SELECT s.first_date, s.last_date INTO span FROM reporting_progressspan s;
    IF FOUND AND span.first_date <= first AND span.last_date >= last THEN
        PERFORM reporting_progress_apply();
        first_date := span.first_date;
        last_date := span.last_date;
        RETURN;
    END IF;
    IF FOUND AND span.first_date <= first AND last - span.last_date <= 31
       AND (SELECT count(*) FROM reporting_dailyreport r WHERE r.date > span.last_date AND r.date <= last) <= 20000
    THEN
        PERFORM reporting_progress_extend(last);
        first_date := span.first_date;
        last_date := last;
        RETURN;
    END IF;
    IF FOUND THEN
        first := LEAST(first, span.first_date);
        last := GREATEST(last, span.last_date);
    END IF;
    IF last - first > 800 THEN
        RETURN;
    END IF;
    PERFORM reporting_progress_rebuild(first, last);
    first_date := first;
    last_date := last;
END $function$;
