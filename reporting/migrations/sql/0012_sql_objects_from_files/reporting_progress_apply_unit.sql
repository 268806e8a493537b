-- At commit, once per transaction that captured a unit change: apply it (deferred constraint trigger).
DROP TRIGGER IF EXISTS reporting_progress_apply_unit ON reporting_progress_pending_unit;
CREATE CONSTRAINT TRIGGER reporting_progress_apply_unit AFTER INSERT ON reporting_progress_pending_unit DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reporting_progress_apply_trigger();
