-- Questions opened, answered or closed: the boards' open-question marks move with them.
DROP TRIGGER IF EXISTS reporting_board_question_changed ON reporting_question;
CREATE TRIGGER reporting_board_question_changed AFTER INSERT OR DELETE OR UPDATE ON reporting_question FOR EACH STATEMENT EXECUTE FUNCTION reporting_board_bump();
