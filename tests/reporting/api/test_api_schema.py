"""/api/schema/ is valid OpenAPI 3 and documents every status code the reports API can answer."""

from __future__ import annotations

import re

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

# Each operation of the reports API and the codes it can answer (schemathesis
# later checks that nothing else ever comes back).
OPERATIONS = {
    ("/api/v1/auth/token/", "post"): {"200", "400", "429"},
    ("/api/v1/units/", "get"): {"200", "400", "401"},
    ("/api/v1/units/{code}/reports/{date}/", "get"): {"200", "400", "401", "404"},
    ("/api/v1/units/{code}/reports/{date}/", "put"): {"200", "201", "400", "401", "403", "404", "415"},
    ("/api/v1/reports/", "get"): {"200", "400", "401"},
}
OUR_MODULES = re.compile(r"reporting/api/(auth|authentication|units|reports|serializers)\.py")


@pytest.fixture
def schema(client, db) -> dict:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_served_as_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)


@pytest.mark.parametrize(("path", "method"), sorted(OPERATIONS))
def test_every_operation_documents_its_status_codes(schema, path, method):
    operation = schema["paths"][path][method]
    assert set(operation["responses"]) == OPERATIONS[path, method]
    for code, response in operation["responses"].items():
        assert "application/json" in response["content"], f"{method} {path} {code} has no body schema"


@pytest.mark.parametrize(("path", "method"), sorted(OPERATIONS))
def test_every_operation_has_a_unique_id_and_a_summary(schema, path, method):
    operation = schema["paths"][path][method]
    assert operation["operationId"] and operation["summary"]


def test_token_auth_is_documented(schema):
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")
    assert "Token" in scheme["description"]
    assert {"tokenAuth": []} in schema["paths"]["/api/v1/units/"]["get"]["security"]
    assert schema["paths"]["/api/v1/auth/token/"]["post"].get("security", []) in ([], [{}])


def test_the_put_body_documents_the_count_fields(schema):
    body = schema["paths"]["/api/v1/units/{code}/reports/{date}/"]["put"]["requestBody"]["content"]
    assert list(body) == ["application/json"]
    fields = schema["components"]["schemas"]["ReportInput"]["properties"]
    assert set(fields) == {"residents_installed", "staff_installed", "family_installed", "assisted_installs",
                           "note", "late_reason"}
    assert fields["residents_installed"]["type"] == "integer" and fields["residents_installed"]["minimum"] == 0


def test_the_answer_carries_the_contract_fields(schema):
    report = schema["components"]["schemas"]["Report"]["properties"]
    assert {"unit", "date", "on_time", "submitted_at", "warnings", "revision", "channel"} <= set(report)
    unit = schema["components"]["schemas"]["Unit"]["properties"]
    assert set(unit) == {"code", "name", "kind", "parent", "population", "staff_total", "family_total", "must_report"}


def test_the_date_path_parameter_is_a_date(schema):
    params = schema["paths"]["/api/v1/units/{code}/reports/{date}/"]["get"]["parameters"]
    date = next(p for p in params if p["name"] == "date")
    assert date["in"] == "path" and date["schema"] == {"type": "string", "format": "date"}


def test_our_views_generate_without_warnings_or_errors(db):
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        SchemaGenerator().get_schema(request=None, public=True)
    ours = [msg for msg in (*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache) if OUR_MODULES.search(msg)]
    GENERATOR_STATS.reset()
    assert ours == []


def test_the_docs_page_loads_nothing_from_a_cdn(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "drf_spectacular_sidecar" in page
    assert not re.search(r"(src|href)=\"https?://", page)


VIETNAMESE_LETTERS = re.compile("[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.I)
ENGLISH_WORDS = re.compile(r"\b(the|and|of|is|are|with|from|for|body|answers?)\b")
NAMES = ("Bluezone Hậu Giang API",)  # the API's name is a name in both languages


def _texts(node, path=""):
    """(where, text) of every description, summary and title in the schema."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("description", "summary", "title") and isinstance(value, str):
                yield f"{path}/{key}", value
            yield from _texts(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _texts(value, f"{path}[{index}]")


@pytest.mark.parametrize("ask", [{"HTTP_ACCEPT_LANGUAGE": "en"}, {"lang": "en"}], ids=["accept-language", "lang"])
def test_the_schema_speaks_english_when_asked(client, db, ask):
    params = {"format": "json", **({"lang": ask["lang"]} if "lang" in ask else {})}
    headers = {k: v for k, v in ask.items() if k.startswith("HTTP_")}
    schema = client.get("/api/schema/", params, **headers).json()
    left = [(where, text) for where, text in _texts(schema) if text not in NAMES and VIETNAMESE_LETTERS.search(text)]
    assert left == []
    put = schema["paths"]["/api/v1/units/{code}/reports/{date}/"]["put"]
    assert put["summary"] == "Submit or replace a unit's report for a day"


def test_the_schema_speaks_vietnamese_by_default(client, db):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    mixed = [(where, text) for where, text in _texts(schema) if ENGLISH_WORDS.search(text)]
    assert mixed == []
    put = schema["paths"]["/api/v1/units/{code}/reports/{date}/"]["put"]
    assert put["summary"] == "Nộp hoặc thay báo cáo ngày của một đơn vị"


def test_the_yaml_schema_follows_the_language_too(client, db):
    body = client.get("/api/schema/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Submit or replace a unit's report for a day" in body and "Nộp hoặc thay" not in body
