"""The few places raw SQL must differ between PostgreSQL (production) and SQLite (`make run`, the definitions).

Kept here, beside the SQL PostgreSQL runs, so that no selector or service
branches on the database vendor for these itself.
"""

from __future__ import annotations

import datetime as dt
import json

from django.db import connection


def date_from_db(value) -> dt.date:
    """A date column read through a raw cursor: a date on PostgreSQL, ISO text on SQLite."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def days_source(days: list[dt.date]) -> tuple[str, object]:
    """A FROM-clause source of one `day` column holding `days`, and its one parameter."""
    if connection.vendor == "postgresql":
        return "SELECT unnest(%s::date[]) AS day", [d.isoformat() for d in days]
    # SQLite stores dates as ISO text; json_each turns one JSON array into rows.
    return "SELECT value AS day FROM json_each(%s)", json.dumps([d.isoformat() for d in days])
