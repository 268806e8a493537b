-- At commit, once per transaction that captured a report change: apply it (deferred constraint trigger).
DROP TRIGGER IF EXISTS reporting_progress_apply_report ON reporting_progress_pending_report;
CREATE CONSTRAINT TRIGGER reporting_progress_apply_report AFTER INSERT ON reporting_progress_pending_report DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reporting_progress_apply_trigger();
