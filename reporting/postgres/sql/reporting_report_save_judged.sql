-- reporting_report_save() ordered against the closing of its day: an on-time save holds the day lock (1749)
-- shared and is written late if the day closed meanwhile (reporting.watch.day_lock).
CREATE OR REPLACE FUNCTION reporting_report_save_judged(p_campaign bigint, p_unit bigint, p_date date, p_user bigint, p_channel text, p_ip inet, p_now timestamp with time zone, p_on_time boolean, p_residents bigint, p_staff bigint, p_family bigint, p_assisted bigint, p_note text, p_late_reason text, p_warnings jsonb, p_direct boolean, p_key uuid)
 RETURNS TABLE(report_id bigint, created boolean, revision_id bigint, revision_number integer, campaign_id bigint, first_submitted_at timestamp with time zone, first_submitted_by_id bigint, on_time boolean, late_reason text, previous jsonb, saved_at timestamp with time zone, repeated boolean)
 LANGUAGE plpgsql
AS $function$
DECLARE
    v_now timestamptz := p_now;
    v_on_time boolean := p_on_time;
BEGIN
    IF v_on_time THEN
        PERFORM pg_advisory_xact_lock_shared(1749, p_date - DATE '2000-01-01');
        IF EXISTS (SELECT 1 FROM reporting_closedday c WHERE c.campaign_id = p_campaign AND c.date = p_date) THEN
            v_on_time := false;
            v_now := clock_timestamp();
        END IF;
    END IF;
    RETURN QUERY
        SELECT s.report_id, s.created, s.revision_id, s.revision_number, s.campaign_id, s.first_submitted_at,
               s.first_submitted_by_id, s.on_time, s.late_reason, s.previous, v_now, s.repeated
        FROM reporting_report_save(p_campaign, p_unit, p_date, p_user, p_channel, p_ip, v_now, v_on_time,
                                   p_residents, p_staff, p_family, p_assisted, p_note, p_late_reason,
                                   p_warnings, p_direct, p_key) AS s;
END $function$;
