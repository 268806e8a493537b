-- A validated report and its revision in one statement: the unit lock, the row lock, the insert or update, the
-- revision, and (as its own transaction) the progress rows. A report sent again under the submission key its author
-- already used writes nothing and answers that revision (repeated).
CREATE OR REPLACE FUNCTION reporting_report_save(p_campaign bigint, p_unit bigint, p_date date, p_user bigint, p_channel text, p_ip inet, p_now timestamp with time zone, p_on_time boolean, p_residents bigint, p_staff bigint, p_family bigint, p_assisted bigint, p_note text, p_late_reason text, p_warnings jsonb, p_direct boolean, p_key uuid, OUT report_id bigint, OUT created boolean, OUT revision_id bigint, OUT revision_number integer, OUT campaign_id bigint, OUT first_submitted_at timestamp with time zone, OUT first_submitted_by_id bigint, OUT on_time boolean, OUT late_reason text, OUT previous jsonb, OUT repeated boolean)
 RETURNS record
 LANGUAGE plpgsql
AS $function$
DECLARE
    old reporting_dailyreport;
    existed boolean := false;
BEGIN
    PERFORM reporting_progress_lock_unit(p_unit);
    repeated := false;
    IF p_key IS NOT NULL THEN
        -- Under the unit lock: of two copies in flight, the second finds the first's revision once it is committed.
        SELECT v.report_id, v.id, v.number INTO report_id, revision_id, revision_number
        FROM reporting_reportrevision v WHERE v.author_id = p_user AND v.submission_key = p_key;
        IF FOUND THEN
            repeated := true;
            created := false;
            RETURN;
        END IF;
    END IF;
    IF p_direct THEN
        PERFORM set_config('reporting.progress_direct', 'on', true);
    END IF;
    SELECT * INTO old FROM reporting_dailyreport r WHERE r.unit_id = p_unit AND r.date = p_date FOR UPDATE;
    existed := FOUND;
    IF NOT existed THEN
        -- p_late_reason NULL means "keep the report's reason": a new report has none.
        INSERT INTO reporting_dailyreport AS r (
            campaign_id, unit_id, date, residents_installed, staff_installed, family_installed,
            assisted_installs, note, late_reason, first_submitted_at, first_submitted_by_id, on_time,
            updated_at, updated_by_id, channel, revision_count, warnings)
        VALUES (
            p_campaign, p_unit, p_date, p_residents, p_staff, p_family, p_assisted, p_note,
            COALESCE(p_late_reason, ''), p_now, p_user, p_on_time, p_now, p_user, p_channel, 1, p_warnings)
        ON CONFLICT (unit_id, date) DO NOTHING
        RETURNING r.id, r.campaign_id, r.first_submitted_at, r.first_submitted_by_id, r.on_time, r.late_reason
        INTO report_id, campaign_id, first_submitted_at, first_submitted_by_id, on_time, late_reason;
        IF FOUND THEN
            created := true;
            revision_number := 1;
        ELSE
            -- Written by someone who does not take the unit lock (an admin, a loader) since the SELECT.
            SELECT * INTO STRICT old FROM reporting_dailyreport r
            WHERE r.unit_id = p_unit AND r.date = p_date FOR UPDATE;
            existed := true;
            -- As in the ORM path: that row counts as created when no revision was ever recorded for it.
            created := old.revision_count = 0;
        END IF;
    END IF;
    IF report_id IS NULL THEN
        created := COALESCE(created, false);
        IF NOT created THEN
            previous := jsonb_build_object(
                'residents_installed', old.residents_installed, 'staff_installed', old.staff_installed,
                'family_installed', old.family_installed, 'assisted_installs', old.assisted_installs,
                'note', old.note);
        END IF;
        UPDATE reporting_dailyreport r SET
            residents_installed = p_residents, staff_installed = p_staff, family_installed = p_family,
            assisted_installs = p_assisted, note = p_note, late_reason = COALESCE(p_late_reason, r.late_reason),
            updated_at = p_now, updated_by_id = p_user, channel = p_channel,
            revision_count = r.revision_count + 1, warnings = p_warnings
        WHERE r.id = old.id
        RETURNING r.id, r.revision_count, r.campaign_id, r.first_submitted_at, r.first_submitted_by_id,
                  r.on_time, r.late_reason
        INTO report_id, revision_number, campaign_id, first_submitted_at, first_submitted_by_id,
             on_time, late_reason;
    END IF;
    INSERT INTO reporting_reportrevision AS v (
        report_id, unit_id, date, number, created_at, author_id, channel, ip_address,
        residents_installed, staff_installed, family_installed, assisted_installs, note, previous, warnings,
        submission_key)
    VALUES (
        report_id, p_unit, p_date, revision_number, p_now, p_user, p_channel, p_ip,
        p_residents, p_staff, p_family, p_assisted, p_note, previous, p_warnings, p_key)
    RETURNING v.id INTO revision_id;
    -- Last: the progress rows every save shares are held for as short a time as possible.
    IF p_direct THEN
        PERFORM set_config('reporting.progress_direct', 'off', true);
        PERFORM reporting_progress_apply_save(
            p_unit, p_date, existed, old.residents_installed, old.on_time, p_residents, on_time);
    END IF;
END $function$;
