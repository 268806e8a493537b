"""The SQL of earlier migrations, so that a later one replaces a function from its text, not from a copy."""

from __future__ import annotations

import importlib


def migration_sql(name: str) -> str:
    return importlib.import_module(f"reporting.migrations.{name}").SQL


def function_sql(sql: str, name: str) -> str:
    """`name`'s CREATE [OR REPLACE] FUNCTION statement in `sql`, as CREATE OR REPLACE."""
    replaced = f"CREATE OR REPLACE FUNCTION {name}("
    start = sql.index(replaced) if replaced in sql else sql.index(f"CREATE FUNCTION {name}(")
    body = sql.index("$$", start) + 2
    end = sql.index("$$;", body) + len("$$;")
    return sql[start:end].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
