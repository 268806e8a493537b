-- What transaction `t` changes in the rows of one leaf's ancestors: (unit, day, deltas), nonzero only.
CREATE OR REPLACE FUNCTION reporting_progress_leaf_delta(t xid8, leaf bigint, first date, last date)
 RETURNS TABLE(unit_id bigint, day date, residents bigint, reported integer, on_time integer, leaves integer)
 LANGUAGE plpgsql
AS $function$
DECLARE
    new_member boolean := false;
    new_path text;
    old_member boolean;
    old_path text;
    old_s record;
    new_s record;
    ancestors bigint[];
    since date;
BEGIN
    SELECT reporting_progress_member(u.kind, u.active), u.path INTO new_member, new_path
    FROM units_unit u WHERE u.id = leaf;
    IF NOT FOUND THEN
        new_member := false;
    END IF;
    SELECT p.member, p.path INTO old_member, old_path
    FROM reporting_progress_pending_unit p WHERE p.txid = t AND p.unit_id = leaf;
    IF NOT FOUND THEN
        old_member := new_member;
        old_path := new_path;
    END IF;
    IF old_member AND NOT (new_member AND old_path = new_path) THEN
        old_s := reporting_progress_series(t, leaf, first, last, true);
    END IF;
    IF new_member AND NOT (old_member AND old_path = new_path) THEN
        new_s := reporting_progress_series(t, leaf, first, last, false);
    END IF;
    IF old_member AND new_member AND old_path = new_path THEN
        -- Only the days from the earliest report the transaction touched can differ (today's report: one).
        SELECT GREATEST(first, MIN(p.date)) INTO since
        FROM reporting_progress_pending_report p WHERE p.txid = t AND p.unit_id = leaf;
        IF since IS NULL OR since > last THEN
            RETURN;
        END IF;
        old_s := reporting_progress_series(t, leaf, since, last, true);
        new_s := reporting_progress_series(t, leaf, since, last, false);
        RETURN QUERY
        SELECT a, since + (x.i::int - 1), x.nr - x.orr, x.np - x.op, x.nt - x.ot, 0
        FROM unnest(reporting_progress_ancestors(new_path)) a,
             unnest(new_s.residents, old_s.residents, new_s.reported, old_s.reported, new_s.on_time, old_s.on_time)
                 WITH ORDINALITY AS x(nr, orr, np, op, nt, ot, i)
        WHERE x.nr <> x.orr OR x.np <> x.op OR x.nt <> x.ot;
        RETURN;
    END IF;
    IF old_member THEN
        RETURN QUERY
        SELECT a, first + (x.i::int - 1), -x.r, -x.p, -x.o, -1
        FROM unnest(reporting_progress_ancestors(old_path)) a,
             unnest(old_s.residents, old_s.reported, old_s.on_time) WITH ORDINALITY AS x(r, p, o, i);
    END IF;
    IF new_member THEN
        ancestors := reporting_progress_ancestors(new_path);
        -- A unit that becomes an ancestor of its first leaf gets its rows now.
        INSERT INTO reporting_progressday AS d (unit_id, date, residents_installed, leaves, reported_leaves,
                                                on_time_leaves)
        SELECT a, g::date, 0, 0, 0, 0
        FROM unnest(ancestors) a, generate_series(first, last, interval '1 day') g
        ORDER BY 1, 2
        ON CONFLICT DO NOTHING;
        RETURN QUERY
        SELECT a, first + (x.i::int - 1), x.r, x.p, x.o, 1
        FROM unnest(ancestors) a,
             unnest(new_s.residents, new_s.reported, new_s.on_time) WITH ORDINALITY AS x(r, p, o, i);
    END IF;
END $function$;
