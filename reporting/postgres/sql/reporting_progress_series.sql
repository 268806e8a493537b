-- A leaf's daily figures over [first, last] from its reports, per field (a blank keeps the previous figure);
-- with `before`, as they were before transaction `t`.
CREATE OR REPLACE FUNCTION reporting_progress_series(t xid8, leaf bigint, first date, last date, before boolean, OUT residents bigint[], OUT reported integer[], OUT on_time integer[])
 RETURNS record
 LANGUAGE plpgsql
 STABLE
AS $function$
DECLARE
    n int := last - first + 1;
    carried bigint := 0;
    figure bigint[] := array_fill(NULL::bigint, ARRAY[n]);
    rep record;
    idx int;
BEGIN
    residents := array_fill(0::bigint, ARRAY[n]);
    reported := array_fill(0, ARRAY[n]);
    on_time := array_fill(0, ARRAY[n]);
    FOR rep IN
        SELECT x.date, x.res, x.on_time FROM (
            SELECT d.date, d.residents_installed AS res, d.on_time
            FROM reporting_dailyreport d
            WHERE d.unit_id = leaf AND d.date <= last
              AND NOT (before AND EXISTS (
                  SELECT 1 FROM reporting_progress_pending_report p
                  WHERE p.txid = t AND p.unit_id = leaf AND p.date = d.date))
            UNION ALL
            SELECT p.date, p.residents, p.on_time
            FROM reporting_progress_pending_report p
            WHERE before AND p.txid = t AND p.unit_id = leaf AND p.existed AND p.date <= last
        ) x ORDER BY x.date
    LOOP
        IF rep.date < first THEN
            -- A blank figure is "no new figure": the one before it stays.
            carried := COALESCE(rep.res, carried);
        ELSE
            idx := rep.date - first + 1;
            figure[idx] := rep.res;
            reported[idx] := 1;
            on_time[idx] := CASE WHEN rep.on_time THEN 1 ELSE 0 END;
        END IF;
    END LOOP;
    FOR i IN 1..n LOOP
        IF figure[i] IS NOT NULL THEN
            carried := figure[i];
        END IF;
        residents[i] := carried;
    END LOOP;
END $function$;
