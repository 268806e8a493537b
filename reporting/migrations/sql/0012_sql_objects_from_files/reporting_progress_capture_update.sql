-- A report change that moves a figure (unit, date, residents, on time): captured for the commit-time step.
DROP TRIGGER IF EXISTS reporting_progress_capture_update ON reporting_dailyreport;
CREATE TRIGGER reporting_progress_capture_update AFTER UPDATE ON reporting_dailyreport FOR EACH ROW WHEN (((old.unit_id IS DISTINCT FROM new.unit_id) OR (old.date IS DISTINCT FROM new.date) OR (old.residents_installed IS DISTINCT FROM new.residents_installed) OR (old.on_time IS DISTINCT FROM new.on_time))) EXECUTE FUNCTION reporting_progress_capture_report();
