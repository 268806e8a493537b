"""What a unit code and a day look like in the portal's addresses.

One strict reading of a day (`YYYY-MM-DD`, a real calendar date) serves the
path converters and every `?date=` / `?ngay=` parameter. Python's own
`date.fromisoformat` is not used bare: since 3.11 it also takes "20200820" and
week dates ("2020-W34-1"), which no form or client of the portal writes, so
they would be accepted here and refused nowhere else.

A unit code is at most the model's length and never holds a NUL byte or a
slash: such a text is refused before it reaches the database (PostgreSQL
cannot even be asked about a NUL byte).
"""

from __future__ import annotations

import datetime as dt
import re

from units.models import Unit

UNIT_CODE_MAX_LENGTH = Unit._meta.get_field("code").max_length
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_day(text: str | None) -> dt.date | None:
    """The calendar day written as `YYYY-MM-DD`; None for anything else (blank, another form, 2020-02-30)."""
    text = (text or "").strip()
    if not _ISO_DAY.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def unit_code_possible(code: str | None) -> bool:
    """Whether some unit could have `code`: not blank, not too long, no NUL byte or slash."""
    return bool(code) and len(code) <= UNIT_CODE_MAX_LENGTH and "\x00" not in code and "/" not in code


class UnitCodeConverter:
    """`<unit_code:code>`: a text a unit could have as its code; anything else does not match (404)."""

    regex = f"[^/\x00]{{1,{UNIT_CODE_MAX_LENGTH}}}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class DayConverter:
    """`<day:date>`: a `YYYY-MM-DD` calendar day, given to the view as a `datetime.date`.

    A text of that shape that is no day (2020-02-30) does not match either, so
    a route may follow with `<str:date>` to answer it with a message instead of 404.
    """

    regex = "[0-9]{4}-[0-9]{2}-[0-9]{2}"

    def to_python(self, value: str) -> dt.date:
        day = iso_day(value)
        if day is None:
            raise ValueError(value)  # Django reads this as "no match" and tries the next route
        return day

    def to_url(self, value: dt.date | str) -> str:
        return value.isoformat() if isinstance(value, dt.date) else str(value)
