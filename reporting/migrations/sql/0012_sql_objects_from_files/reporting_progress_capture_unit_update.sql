-- Any unit change: names and populations are shown beside the sums, so cached figures must go too.
DROP TRIGGER IF EXISTS reporting_progress_capture_unit_update ON units_unit;
CREATE TRIGGER reporting_progress_capture_unit_update AFTER UPDATE ON units_unit FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION reporting_progress_capture_unit();
