"""The API's own description: the OpenAPI document and the JSON Schemas, versioned by name.

A schema's $id is the `schema` field of the documents it describes ("subprocessor-registry/registry-version/1")
resolved against the schemas' index, and that address serves it too, so the field in every stored (signed)
version resolves without changing a byte of it."""

from __future__ import annotations

import json

from flask import Response, abort, current_app, request

from registry.web import apidoc, jsonschemas
from registry.web.api import bp
from registry.web.apidoc import N_, documented, json_response, not_found
from registry.web.cookieless import cookieless
from registry.web.links import absolute

PREFIX = "subprocessor-registry"


def _json(document: dict, media_type: str = "application/json") -> Response:
    body = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    response = Response(body, mimetype=media_type)
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.add_etag()
    return response.make_conditional(request)


def openapi_document() -> dict:
    """Built once per app (the URL map does not change after start-up)."""
    found = current_app.extensions.get("openapi")
    if found is None:
        found = current_app.extensions["openapi"] = apidoc.build(current_app)
    return found


def schema_id(name: str, version: int) -> str:
    return absolute("api.schema_by_id", name=name, version=version)


@bp.get("/openapi.json")
@cookieless
@documented(N_("This document: the API described in OpenAPI 3.1."), {"200": json_response(N_("The document."))})
def openapi():
    return _json(openapi_document())


@bp.get("/schemas/")
@cookieless
@documented(
    N_("The JSON Schemas of the registry, its signed versions and an announcement, each with its versions."),
    {"200": json_response(N_("The schemas, by name and version, with their addresses."))},
)
def schemas():
    return _json(
        {
            "schemas": [
                {
                    "name": name,
                    "version": version,
                    "id": f"{PREFIX}/{name}/{version}",
                    "url": absolute("api.schema", name=f"{name}-{version}"),
                    "$id": schema_id(name, version),
                    "title": schema["title"],
                }
                for name, versions in jsonschemas.SCHEMAS.items()
                for version, schema in versions.items()
            ]
        }
    )


def _schema(name: str, version: int) -> Response:
    if version not in jsonschemas.SCHEMAS.get(name, {}):
        abort(404)
    return _json(jsonschemas.published(name, version, schema_id(name, version)), "application/schema+json")


@bp.get("/schemas/<name>.json")
@cookieless
@documented(
    N_("One JSON Schema (2020-12), e.g. registry-version-1.json."),
    {
        "200": json_response(N_("The schema."), {"type": "object"}, "application/schema+json"),
        **not_found(N_("No schema of that name and version.")),
    },
)
def schema(name: str):
    base, _dash, version = name.rpartition("-")
    if not version.isdigit():
        abort(404)
    return _schema(base, int(version))


@bp.get(f"/schemas/{PREFIX}/<name>/<int:version>")
@cookieless
@documented(
    N_("One JSON Schema by its id, as the documents' schema field names it."),
    {
        "200": json_response(N_("The schema."), {"type": "object"}, "application/schema+json"),
        **not_found(N_("No schema of that name and version.")),
    },
    examples={"name": "registry-version"},
)
def schema_by_id(name: str, version: int):
    return _schema(name, version)
