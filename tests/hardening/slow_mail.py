"""A test-only e-mail backend that hangs on its first send, so a test can kill the worker mid-job.

Selected only by the environment of the worker a test starts
(EMAIL_BACKEND=tests.hardening.slow_mail.SlowOnceBackend); production code
knows nothing of it. BZ_MAIL_MARKER names a file: while it does not exist,
the first send writes the process id into it and sleeps. Every e-mail
actually sent is written as one .eml file into BZ_MAIL_DIR.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

HANG_SECONDS = 120


class SlowOnceBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        marker = Path(os.environ["BZ_MAIL_MARKER"])
        if not marker.exists():
            marker.write_text(str(os.getpid()))
            time.sleep(HANG_SECONDS)  # killed here by the test
        out = Path(os.environ["BZ_MAIL_DIR"])
        for message in email_messages:
            (out / f"{uuid.uuid4().hex}.eml").write_bytes(message.message().as_bytes())
        return len(email_messages)
