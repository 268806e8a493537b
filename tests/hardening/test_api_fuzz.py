"""Schemathesis over /api/schema/: generated valid and invalid requests, as a commune reporter.

For every operation the published schema describes: no 5xx, every status
code answered is documented, the content type and the body match the
schema. Bounded and reproducible: MAX_EXAMPLES per operation and generation
mode, derandomised (the same examples on every run), no example database
written to disk. Lockout and throttling are off for the run: thousands of
refused token requests are the point here, not an attack.
"""

from __future__ import annotations

import zlib

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

MAX_EXAMPLES = 40

# Read through the portal itself, as a client would (it needs no database).
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler())
schema.config.generation.update(deterministic=True, allow_x00=True)

# Generated unit codes and dates almost never name a real report. Half of the examples (chosen from the
# example itself, so runs stay reproducible) use real ones instead: the reporter's own unit, a neighbour,
# its district, the province, another district; campaign days and days outside it. Generated bodies then
# reach validation and the write path, not only the 404.
CODES = ["31318", "31318", "31333", "930", "93", "31340", "SYT"]
DAYS = ["2020-08-13", "2020-08-20", "2020-08-30", "2020-08-12", "2099-01-01"]


def _with_real_path(case) -> None:
    if not case.path_parameters:
        return
    pick = zlib.crc32(repr((case.path_parameters, case.query, case.body)).encode())
    if pick % 2:
        return
    if "code" in case.path_parameters:
        case.path_parameters["code"] = CODES[(pick >> 1) % len(CODES)]
    if "date" in case.path_parameters:
        case.path_parameters["date"] = DAYS[(pick >> 4) % len(DAYS)]


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def wsgi_in_test_transaction():
    """What Django's test client does: keep the test's connection (and its transaction) open between requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def reporter_token(lan, settings, wsgi_in_test_transaction) -> str:
    settings.AXES_ENABLED = False
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "100000/minute"}}
    return Token.objects.get(user=lan).key


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, derandomize=True, database=None, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_every_api_operation_survives_generated_input(case, reporter_token):
    _with_real_path(case)
    case.call_and_validate(headers={"Authorization": f"Token {reporter_token}"}, checks=CHECKS)
