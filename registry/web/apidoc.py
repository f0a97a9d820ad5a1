"""The OpenAPI 3.1 document, built from the code: each machine-readable view declares its operation next to
itself with @documented(...), and build() walks the app's URL map (apispec with its Flask plugin turns each rule
into a path). Path parameters come from the rule's converters; a new documented view is picked up by itself, and
tests/functional/test_openapi.py fails while a rule under /api/v1 is left undeclared.

The summaries and descriptions are English message ids (N_): the document is in English, the page at /api/ shows
them translated."""

from __future__ import annotations

import re
from collections.abc import Callable

from apispec import APISpec
from apispec_webframeworks.flask import FlaskPlugin
from flask import Flask
from werkzeug.routing import AnyConverter, IntegerConverter

from registry.web import jsonschemas
from registry.web.i18n import N_

VERSION = "1.0.0"
# What a path parameter means, wherever it occurs.
PATH_PARAMETERS = {
    "slug": (N_("The processor's short name, as in the address of its registry."), "vcare"),
    "number": (N_("The number of a published registry version, from 1."), 1),
    "key": (N_("The key of one of the processor's services."), "operator"),
    "kind": (N_("The feed's format: atom or rss."), "atom"),
    "sequence": (N_("The number of an audit checkpoint, from 1."), 1),
    "name": (N_("The schema's name, with its version where the address has no other place for it."), "registry-1"),
    "version": (N_("The schema's version, from 1."), 1),
}
AT = {
    "name": "at",
    "in": "query",
    "required": False,
    "description": N_("The day whose registry is shown, written YYYY-MM-DD (1990-01-01 or later); today if left out."),
    "schema": {"type": "string", "format": "date", "example": "2026-01-31"},
}
LANG = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": N_("The feed's language: en or nl; the site's default if left out."),
    "schema": {"enum": ["en", "nl"]},
}
ERROR = {"$ref": "#/components/schemas/Error"}


def json_response(
    description: str, schema: dict | None = None, media_type: str = "application/json", headers: dict | None = None
) -> dict:
    response = {"description": description, "content": {media_type: {"schema": schema or {}}}}
    if headers:
        response["headers"] = {name: {"description": text, "schema": {"type": "string"}} for name, text in headers}
    return response


def not_found(what: str = N_("No such processor, version or service.")) -> dict:
    return {"404": json_response(what, ERROR)}


def documented(summary: str, responses: dict, parameters: tuple = (), examples: dict | None = None) -> Callable:
    """Declare a view's GET operation (the OpenAPI operation object, less the path parameters, whose examples
    `examples` may set where PATH_PARAMETERS' do not fit)."""

    def mark(view: Callable) -> Callable:
        operation = {"summary": summary, "parameters": list(parameters), "responses": responses}
        view.openapi = operation
        view.openapi_examples = examples or {}  # type: ignore[attr-defined]
        return view

    return mark


def _path_parameter(name: str, converter, examples: dict) -> dict:
    description, example = PATH_PARAMETERS.get(name, ("", None))
    example = examples.get(name, example)
    if isinstance(converter, IntegerConverter):
        schema = {"type": "integer", "minimum": 0}
    elif isinstance(converter, AnyConverter):
        schema = {"enum": sorted(converter.items)}
    else:
        schema = {"type": "string", "pattern": "^[^/]+$"}
    if example is not None:
        schema["example"] = example
    return {"name": name, "in": "path", "required": True, "description": description, "schema": schema}


def documented_rules(app: Flask) -> list:
    """The GET rules whose view declares its operation, in address order."""
    rules = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions.get(rule.endpoint)
        if getattr(view, "openapi", None) is not None and "GET" in (rule.methods or ()):
            rules.append(rule)
    return sorted(rules, key=lambda r: r.rule)


def build(app: Flask) -> dict:
    spec = APISpec(
        title="Sub-processor Registry API",
        version=VERSION,
        openapi_version="3.1.0",
        plugins=[FlaskPlugin()],
        info={
            "description": "Registries of sub-processors, their signed versions, feeds and audit checkpoints. "
            "Everything here is public and read-only; answers carry ETag and Cache-Control.",
        },
        servers=[{"url": app.config["BASE_URL"]}],
    )
    for name, schema in {**jsonschemas.OPENAPI_ONLY, **jsonschemas.components()}.items():
        spec.components.schema(name, schema)
    for rule in documented_rules(app):
        view = app.view_functions[rule.endpoint]
        operation = dict(view.openapi)
        operation["operationId"] = rule.endpoint
        operation["tags"] = [rule.endpoint.split(".")[0]]
        names = re.findall(r"<(?:[^<>]+:)?([^<>:]+)>", rule.rule)  # in the order of the address
        examples = view.openapi_examples
        operation["parameters"] = [_path_parameter(name, rule._converters[name], examples) for name in names]
        operation["parameters"] += view.openapi["parameters"]
        spec.path(view=view, app=app, operations={"get": operation})
    return spec.to_dict()


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def page_error(description: str) -> dict:
    """An error outside /api/ is answered with an HTML page."""
    return json_response(description, {"type": "string"}, "text/html")


NOT_MODIFIED = {"304": {"description": N_("Not modified since the ETag or date the request names.")}}
