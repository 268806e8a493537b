-- A report inserted or deleted: captured for the commit-time step.
DROP TRIGGER IF EXISTS reporting_progress_capture_insert_delete ON reporting_dailyreport;
CREATE TRIGGER reporting_progress_capture_insert_delete AFTER INSERT OR DELETE ON reporting_dailyreport FOR EACH ROW EXECUTE FUNCTION reporting_progress_capture_report();
