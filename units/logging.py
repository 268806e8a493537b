"""Log formatting: one event, one line."""

from __future__ import annotations

import logging

_ESCAPES = str.maketrans({"\n": "\\n", "\r": "\\r"})


class SingleLineFormatter(logging.Formatter):
    """Escapes CR and LF in the message, so a newline in a name or a path cannot forge a log line.

    Tracebacks are still appended below the line, as usual.
    """

    def formatMessage(self, record: logging.LogRecord) -> str:
        return super().formatMessage(record).translate(_ESCAPES)
