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


class ExpectedRefusalFilter(logging.Filter):
    """A refusal the portal meant (403, 404, 400 …) is one line; only a server error keeps its traceback.

    Django logs a PermissionDenied or Http404 with the exception attached, which
    printed two tracebacks per refused page; they say nothing the line does not.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
