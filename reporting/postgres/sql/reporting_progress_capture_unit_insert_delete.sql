-- A unit inserted or deleted: captured for the commit-time step.
DROP TRIGGER IF EXISTS reporting_progress_capture_unit_insert_delete ON units_unit;
CREATE TRIGGER reporting_progress_capture_unit_insert_delete AFTER INSERT OR DELETE ON units_unit FOR EACH ROW EXECUTE FUNCTION reporting_progress_capture_unit();
