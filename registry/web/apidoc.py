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
    "announcement_id": (N_("The id of one of the processor's announcements, as the write API answers it."), 1),
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
# A processor's API token (an operation that needs one says so: security=[{"token": []}]).
SECURITY_SCHEME = {"type": "http", "scheme": "bearer", "description": "An API token of the processor."}


def json_response(
    description: str, schema: dict | None = None, media_type: str = "application/json", headers: dict | None = None
) -> dict:
    response = {"description": description, "content": {media_type: {"schema": schema or {}}}}
    if headers:
        response["headers"] = {name: {"description": text, "schema": {"type": "string"}} for name, text in headers}
    return response


def not_found(what: str = N_("No such processor, version or service.")) -> dict:
    return {"404": json_response(what, ERROR)}


def documented(
    summary: str,
    responses: dict,
    parameters: tuple = (),
    examples: dict | None = None,
    method: str = "get",
    **more,
) -> Callable:
    """Declare a view's operation for `method` (once per method the view answers; the decorators stack): the
    OpenAPI operation object less its path parameters, whose examples `examples` may set where PATH_PARAMETERS'
    do not fit; `more` adds other fields of the operation (requestBody, security, description ...)."""

    def mark(view: Callable) -> Callable:
        if not hasattr(view, "openapi"):
            view.openapi = {}  # type: ignore[attr-defined]
        view.openapi[method.lower()] = {
            "summary": summary,
            "parameters": list(parameters),
            "responses": responses,
            "examples": examples or {},
            **more,
        }
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
    """The rules whose view declares an operation, in address order."""
    rules = [
        rule for rule in app.url_map.iter_rules() if getattr(app.view_functions.get(rule.endpoint), "openapi", None)
    ]
    return sorted(rules, key=lambda r: r.rule)


def _operation(rule, method: str, declared: dict) -> dict:
    operation = {key: value for key, value in declared.items() if key != "examples"}
    operation["operationId"] = rule.endpoint if method == "get" else f"{rule.endpoint}.{method}"
    operation["tags"] = [rule.endpoint.split(".")[0]]
    names = re.findall(r"<(?:[^<>]+:)?([^<>:]+)>", rule.rule)  # in the order of the address
    path = [_path_parameter(name, rule._converters[name], declared["examples"]) for name in names]
    operation["parameters"] = path + declared["parameters"]
    return operation


def build(app: Flask) -> dict:
    spec = APISpec(
        title="Sub-processor Registry API",
        version=VERSION,
        openapi_version="3.1.0",
        plugins=[FlaskPlugin()],
        info={
            "description": "Registries of sub-processors, their signed versions, feeds and audit checkpoints; "
            "the reading is public, answers carry ETag and Cache-Control.",
        },
        servers=[{"url": app.config["BASE_URL"]}],
    )
    for name, schema in {**jsonschemas.OPENAPI_ONLY, **jsonschemas.components()}.items():
        spec.components.schema(name, schema)
    spec.components.security_scheme("token", SECURITY_SCHEME)
    for rule in documented_rules(app):
        view = app.view_functions[rule.endpoint]
        answered = {method.lower() for method in rule.methods or ()}
        operations = {m: _operation(rule, m, declared) for m, declared in view.openapi.items() if m in answered}
        spec.path(view=view, app=app, operations=operations)
    return spec.to_dict()


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def page_error(description: str) -> dict:
    """An error outside /api/ is answered with an HTML page."""
    return json_response(description, {"type": "string"}, "text/html")


NOT_MODIFIED = {"304": {"description": N_("Not modified since the ETag or date the request names.")}}
