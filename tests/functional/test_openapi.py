"""The OpenAPI 3.1 document at /api/v1/openapi.json, the JSON Schemas at /api/v1/schemas/, and schemathesis over
every documented endpoint against the app (its WSGI client), on each database the `app` fixture gives.

Expected values are the issue's (the addresses, the schema names) and seed/ (the processors); the answers are
checked against the schemas the app publishes, with jsonschema's 2020-12 validator and its format checker."""

from __future__ import annotations

import pytest
import schemathesis
from apispec_webframeworks.flask import FlaskPlugin
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)

from .announce import draft, publish

pytestmark = pytest.mark.usefixtures("clock")
DOCUMENT = "/api/v1/openapi.json"
BASE = "http://registry.test"
# The machine-readable public addresses outside /api/v1 that the document covers (issue 16).
PUBLIC = [
    "/.well-known/subprocessor-registry.json",
    "/audit/checkpoints.json",
    "/audit/checkpoints/{sequence}.json",
    "/feed.{kind}",
    "/processors/{slug}/feed.{kind}",
    "/processors/{slug}/services/{key}/feed.{kind}",
    "/processors/{slug}/registry.csv",
    "/processors/{slug}/registry.xlsx",
]


def test_the_document_is_valid_openapi_3_1(client):
    document = client.get(DOCUMENT).get_json()
    assert document["openapi"] == "3.1.0"
    validate(document, cls=OpenAPIV31SpecValidator)


def test_every_rule_under_api_v1_is_documented(app, client):
    paths = client.get(DOCUMENT).get_json()["paths"]
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")]
    assert len(rules) >= 8
    for rule in rules:
        path = FlaskPlugin.flaskpath2openapi(rule.rule)
        assert path in paths, f"{rule.rule} ({rule.endpoint}) is not in the OpenAPI document: declare it (@documented)"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in paths[path], f"{method} {rule.rule} is not in the OpenAPI document"
    for path in PUBLIC:
        assert "get" in paths[path], path


def _schema(client, name: str) -> Draft202012Validator:
    response = client.get(f"/api/v1/schemas/{name}.json")
    assert response.status_code == 200
    assert response.mimetype == "application/schema+json"
    schema = response.get_json()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_the_schemas_are_published_and_versioned(client):
    index = client.get("/api/v1/schemas/").get_json()["schemas"]
    assert {(s["name"], s["version"]) for s in index} == {("registry", 1), ("registry-version", 1), ("announcement", 1)}
    for entry in index:
        assert entry["url"] == f"{BASE}/api/v1/schemas/{entry['name']}-{entry['version']}.json"
        schema = client.get(entry["url"].removeprefix(BASE)).get_json()
        # The $id is the documents' `schema` field resolved against the index, and it is served there too.
        assert schema["$id"] == f"{BASE}/api/v1/schemas/{entry['id']}" == entry["$id"]
        assert client.get(schema["$id"].removeprefix(BASE)).get_json() == schema
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert client.get("/api/v1/schemas/registry-2.json").status_code == 404
    assert client.get("/api/v1/schemas/nothing.json").status_code == 404
    # The well-known document links to the index.
    assert client.get("/.well-known/subprocessor-registry.json").get_json()["links"]["schemas"] == (
        f"{BASE}/api/v1/schemas/"
    )


def test_the_announcement_schema_takes_a_draft_and_refuses_one_without_a_reason(client):
    schema = _schema(client, "announcement-1")
    written = {
        "kind": "addition",
        "service": "operator",
        "name": "Acme Cloud",
        "purpose": "Transcription",
        "locations": [{"country": "NL"}],
        "reason": "Better transcription",
        "effective_date": "2027-01-30",
    }
    schema.validate(written)
    assert [e.message for e in schema.iter_errors({**written, "effective_date": "30-01-2027"})] == [
        "'30-01-2027' is not a 'date'"
    ]
    del written["reason"]
    assert [e.message for e in schema.iter_errors(written)] == ["'reason' is a required property"]


def test_the_document_refers_to_the_schemas(client):
    document = client.get(DOCUMENT).get_json()
    components = document["components"]["schemas"]
    assert {"Registry1", "RegistryVersion1", "Announcement1"} <= set(components)
    content = document["paths"]["/api/v1/processors/{slug}/versions/{number}.json"]["get"]["responses"]["200"]
    assert content["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/RegistryVersion1"}


def test_every_seeded_processors_answers_match_their_schemas(client, users, login):
    login(users.vcare_editor)  # Vcare gets a version 2 as well, then the reading is anonymous
    publish(client, draft(client, new_name="Acme Cloud", purpose="Transcription", services=("operator",)))
    client.post("/logout")
    registry, version = _schema(client, "registry-1"), _schema(client, "registry-version-1")
    processors = client.get("/api/v1/processors").get_json()["processors"]
    assert len(processors) >= 2
    numbers_seen = 0
    for summary in processors:
        slug = summary["slug"]
        for at in ("", "?at=2020-01-01", "?at=2027-06-30"):
            registry.validate(client.get(f"/api/v1/processors/{slug}{at}").get_json())
        listed = client.get(f"/api/v1/processors/{slug}/versions/").get_json()
        for entry in listed["versions"]:
            document = client.get(entry["url"].removeprefix(BASE)).get_json()
            version.validate(document)
            # The `schema` field, resolved against the schemas' index, is the schema's $id.
            assert f"{BASE}/api/v1/schemas/{document['schema']}" == version.schema["$id"]
            numbers_seen += 1
    assert numbers_seen >= 3


def test_the_page_lists_every_endpoint_with_an_example(client):
    page = client.get("/api/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    paths = client.get(DOCUMENT).get_json()["paths"]
    for path, item in paths.items():
        for method in item:
            assert f"<code>{method.upper()} {path}</code>" in page
    assert "curl -s &#39;http://registry.test/api/v1/processors/vcare/versions/1.json&#39;" in page
    dutch = client.get("/api/", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "De API van het register" in dutch
    assert "Het register van een verwerker op één dag als CSV" in dutch
    # Every summary and parameter's meaning is shown in Dutch on the Dutch page (none left in English).
    for item in paths.values():
        for operation in item.values():
            assert operation["summary"].replace("'", "&#39;") not in dutch, operation["summary"]
            for parameter in operation["parameters"]:
                assert parameter["description"].replace("'", "&#39;") not in dutch, parameter["description"]
    assert "<script" not in page


CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance, response_headers_conformance]


def _check(case) -> int:
    response = case.call()
    assert response.status_code < 500, (case.method, case.formatted_path, response.status_code)
    case.validate_response(response, checks=CHECKS)
    return response.status_code


def test_schemathesis_finds_no_server_error_and_no_answer_off_its_schema(app):
    """Each documented operation: first its parameters' examples (Vcare, version 1, ...: answers with data), then
    20 generated cases, derandomized; every answer below 500 and matching its documented schema and media type."""
    schema = schemathesis.openapi.from_wsgi(DOCUMENT, app)
    operations = [result.ok() for result in schema.get_all_operations()]
    # schemathesis leaves out the document's own address (test_the_document_is_valid_openapi_3_1 reads it).
    assert len(operations) == sum(len(item) for item in client_paths(app).values()) - 1
    for operation in operations:
        examples = {
            p["name"]: p["schema"]["example"]
            for p in operation.definition.raw.get("parameters", [])
            if p["in"] == "path" and "example" in p["schema"]
        }
        status = _check(operation.Case(path_parameters=examples))
        # Without its token an operation of the write API is refused (tests/functional/test_api_*.py reach it with
        # one); every other GET answers its example with data.
        secured = bool(operation.definition.raw.get("security"))
        if operation.method.lower() == "get":
            assert status in ((401,) if secured else (200, 304)), operation.path
        seen = _generated(operation)
        assert seen, operation.path


def _generated(operation) -> list[int]:
    seen = []

    @settings(max_examples=20, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def generated(case):
        seen.append(_check(case))

    generated()
    return seen


def client_paths(app) -> dict:
    return app.test_client().get(DOCUMENT).get_json()["paths"]


def test_a_new_view_is_documented_by_its_own_declaration():
    """What a new endpoint (say a token-authenticated POST under /api/v1) needs: @documented next to the view,
    once per method; build() picks it up from the URL map, path parameters from the route."""
    from flask import Flask

    from registry.web.apidoc import build, documented

    app = Flask(__name__)
    app.config["BASE_URL"] = BASE

    @app.route("/api/v1/processors/<slug>/announcements/<int:number>", methods=["GET", "POST"])
    @documented("Read one", {"200": {"description": "It"}})
    @documented("Write one", {"201": {"description": "Made"}}, method="post", security=[{"token": []}])
    def one(slug, number):
        return ""

    document = build(app)
    validate(document, cls=OpenAPIV31SpecValidator)
    item = document["paths"]["/api/v1/processors/{slug}/announcements/{number}"]
    assert item["get"]["summary"] == "Read one" and item["get"]["operationId"] == "one"
    assert item["post"]["summary"] == "Write one" and item["post"]["operationId"] == "one.post"
    assert item["post"]["security"] == [{"token": []}]
    assert [(p["name"], p["schema"]["type"]) for p in item["post"]["parameters"]] == [
        ("slug", "string"),
        ("number", "integer"),
    ]
    assert document["components"]["securitySchemes"]["token"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token of the processor.",
    }
