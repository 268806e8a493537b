"""An expected refusal (403, 404) is one line on the console; nothing of it is a traceback."""

from __future__ import annotations

import io
import logging

import pytest
from django.test import Client
from django.urls import reverse

from units.logging import ExpectedRefusalFilter


def _console_output(action) -> str:
    handler = next(h for h in logging.getLogger().handlers
                   if any(isinstance(f, ExpectedRefusalFilter) for f in h.filters))
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        action()
    finally:
        handler.setStream(previous)
    return stream.getvalue()


@pytest.mark.django_db
def test_a_403_is_one_line_without_a_traceback(lan):
    web = Client()
    web.force_login(lan)
    answers = []
    out = _console_output(lambda: answers.append(web.get(reverse("official_figure"))))
    assert answers[0].status_code == 403
    lines = [line for line in out.splitlines() if "django.request" in line]
    assert len(lines) == 1 and "Forbidden" in lines[0], out
    assert "Traceback" not in out


@pytest.mark.django_db
def test_a_404_naming_an_object_is_one_line_without_a_traceback(lan):
    web = Client()
    web.force_login(lan)
    out = _console_output(lambda: web.get("/bao-cao/bien-nhan/999999999/"))
    assert "Traceback" not in out
    assert out.strip(), "the refusal is still logged"


def test_a_server_error_keeps_its_traceback():
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: /x", None,
                               (ValueError, ValueError("boom"), None))
    record.status_code = 500
    assert ExpectedRefusalFilter().filter(record) and record.exc_info is not None
    refused = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden: /x", None,
                                (PermissionError, PermissionError("no"), None))
    refused.status_code = 403
    assert ExpectedRefusalFilter().filter(refused) and refused.exc_info is None
