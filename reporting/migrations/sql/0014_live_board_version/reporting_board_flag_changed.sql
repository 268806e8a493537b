-- Flags raised, excused or withdrawn: once per statement, so the nightly close of a whole country is one bump.
DROP TRIGGER IF EXISTS reporting_board_flag_changed ON reporting_misseddeadline;
CREATE TRIGGER reporting_board_flag_changed AFTER INSERT OR DELETE OR UPDATE ON reporting_misseddeadline FOR EACH STATEMENT EXECUTE FUNCTION reporting_board_bump();
