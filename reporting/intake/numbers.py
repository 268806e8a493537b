"""Counts as Vietnamese users type them: "1.450", "1 450" and "1450" are all 1450 (rule 5).

Pure: no database, no Django. The form, DIC's official-figure page and the
Excel import (text cells) read counts through count_text_parse; the API does
not — it keeps strict JSON integers.

In Vietnamese the dot groups thousands and the comma marks decimals, so
"1.450" is one thousand four hundred and fifty and "1,5" is one and a half.
A dot followed by anything but groups of exactly three digits ("1.5",
"1.45", "14.50") cannot be a thousands separator and is read as a decimal
point, as an English speaker would mean it. Counts are whole numbers, so
every decimal is refused — with its own reason, so the message can show
how to write the number instead.
"""

from __future__ import annotations

import re

# Spaces people (and spreadsheets) put between thousands: space, no-break space, narrow no-break space.
_SPACES = " \u00a0\u202f"
MAX_DIGITS = 12

_PLAIN = re.compile(r"[0-9]+")
_DOTTED_TEXT = r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+"
_SPACED_TEXT = rf"[1-9][0-9]{{0,2}}(?:[{_SPACES}][0-9]{{3}})+"
_DOTTED = re.compile(_DOTTED_TEXT)
_SPACED = re.compile(_SPACED_TEXT)
# A whole part (plain or grouped, or none) and a decimal part after either separator.
_DECIMAL = re.compile(rf"(?:[0-9]+|{_DOTTED_TEXT}|{_SPACED_TEXT})?[.,][0-9]+")

DECIMAL, NEGATIVE, NOT_A_NUMBER, TOO_LONG = "decimal", "negative", "not_a_number", "too_long"


class CountTextError(ValueError):
    """The text is not a whole number; `reason` is DECIMAL, NEGATIVE, NOT_A_NUMBER or TOO_LONG."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def count_text_parse(text: str) -> int | None:
    """The whole number `text` writes, None when it is blank; CountTextError otherwise.

    Accepted: plain digits ("1450"), thousands grouped by dots ("1.450",
    "1.450.000") or by one kind of space ("1 450", "1\u00a0450"). Refused:
    decimals ("1,5", "1.5", "1.45", "1.450,0"), signs, letters, mixed
    separators ("1.450 000").
    """
    stripped = text.strip(_SPACES + "\t\r\n")
    if not stripped:
        return None
    if stripped[0] in "-−" and len(stripped) > 1 and _looks_numeric(stripped[1:]):
        raise CountTextError(NEGATIVE)
    digits = None
    if _PLAIN.fullmatch(stripped):
        digits = stripped
    elif _DOTTED.fullmatch(stripped):
        digits = stripped.replace(".", "")
    elif _SPACED.fullmatch(stripped) and len({ch for ch in stripped if ch in _SPACES}) == 1:
        digits = "".join(ch for ch in stripped if ch.isdigit())
    if digits is None:
        raise CountTextError(DECIMAL if _DECIMAL.fullmatch(stripped) else NOT_A_NUMBER)
    if len(digits.lstrip("0")) > MAX_DIGITS:
        raise CountTextError(TOO_LONG)
    return int(digits)


def _looks_numeric(text: str) -> bool:
    return bool(text) and (_PLAIN.fullmatch(text) or _DOTTED.fullmatch(text) or _SPACED.fullmatch(text)
                           or _DECIMAL.fullmatch(text)) is not None
