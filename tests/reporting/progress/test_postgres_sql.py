"""reporting/postgres/sql/ is what PostgreSQL runs: one file per function and trigger, equal to the database."""

from __future__ import annotations

import pytest
from django.db import connection

from reporting.postgres import SQL_DIR, sql_objects, sql_statement

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _database_objects() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p
            JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = current_schema() AND p.proname LIKE 'reporting\\_%%'
        """)
        functions = {name: text.replace(f"FUNCTION {connection.ops.quote_name('public')}.", "FUNCTION ")
                     .replace("FUNCTION public.", "FUNCTION ") for name, text in cursor.fetchall()}
        cursor.execute("SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger "
                       "WHERE NOT tgisinternal AND tgname LIKE 'reporting\\_%%'")
        triggers = {name: text for name, text in cursor.fetchall()}
    return {**functions, **triggers}


def _normal(statement: str) -> str:
    """Compare statements as PostgreSQL prints them: a DROP before, CREATE [OR REPLACE], schema and ';' aside."""
    text = statement.strip()
    if text.startswith("DROP TRIGGER"):
        text = text.split(";\n", 1)[1].strip()
    text = text.rstrip(";").replace(" ON public.", " ON ").replace("EXECUTE FUNCTION public.", "EXECUTE FUNCTION ")
    for prefix in ("CREATE OR REPLACE ", "CREATE "):
        if text.startswith(prefix):
            text = text[len(prefix):]
            break
    return text


def test_every_function_and_trigger_has_one_file_and_every_file_is_installed():
    assert set(_database_objects()) == set(sql_objects())


def test_each_file_is_exactly_what_the_database_runs():
    database = _database_objects()
    different = [name for name, statement in sql_objects().items()
                 if _normal(statement) != _normal(database[name])]
    assert different == [], f"edit these files or ship a migration that installs them: {different}"


def test_each_file_says_why_the_object_exists():
    for path in SQL_DIR.glob("*.sql"):
        text = path.read_text()
        assert text.startswith("-- ") and sql_statement(text).startswith(("CREATE OR REPLACE", "DROP TRIGGER")), path.name
