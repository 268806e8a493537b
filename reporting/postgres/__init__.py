"""The PostgreSQL fast path: what runs inside the database, one file per object.

`sql/` holds the current text of every function and trigger the portal
installs, one `<name>.sql` file per object, exactly as PostgreSQL reports it
back (pg_get_functiondef / pg_get_triggerdef) after a short header saying
why it exists (a trigger's file drops it first: a constraint trigger cannot
be replaced in place). Reading this folder shows what production runs;
tests/reporting/progress/test_postgres_sql.py fails when the database and the files
differ.

Migrations never read these files: each one that changes the SQL installs
its own versioned copy (`reporting/migrations/sql/<migration>/`), so an old
migration keeps installing what it always did. To change an object: edit its
file here, copy the changed files to a new folder for a new migration that
calls `sql_install`, and run the tests.

On SQLite none of this exists; the selectors compute everything from the
reports (the definition the fast path is tested against).

dialect.py holds the few raw-SQL fragments that differ between PostgreSQL and
SQLite, so selectors and services do not branch on the vendor for them.

May import: nothing of the portal (migrations import it).
"""

from __future__ import annotations

from pathlib import Path

SQL_DIR = Path(__file__).resolve().parent / "sql"


def sql_statement(text: str) -> str:
    """The statement of an object's file, without its header comment."""
    lines = text.splitlines()
    while lines and lines[0].startswith("--"):
        lines.pop(0)
    return "\n".join(lines).strip()


def sql_objects(directory: Path = SQL_DIR) -> dict[str, str]:
    """name → statement, for every `<name>.sql` in `directory`."""
    return {path.stem: sql_statement(path.read_text()) for path in sorted(directory.glob("*.sql"))}


def sql_install(schema_editor, directory: Path) -> None:
    """Run a migration's versioned copy: functions first (triggers name them), then triggers."""
    objects = sql_objects(directory)
    functions = [s for s in objects.values() if s.startswith("CREATE OR REPLACE FUNCTION")]
    others = [s for s in objects.values() if not s.startswith("CREATE OR REPLACE FUNCTION")]
    for statement in (*functions, *others):
        schema_editor.execute(statement, params=None)
