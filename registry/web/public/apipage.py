"""/api/: the API described for people, made from the same OpenAPI document (no script, nothing fetched)."""

from __future__ import annotations

import re

from flask import current_app, render_template

from registry.web.api.docs import openapi_document
from registry.web.public import bp


def _example_path(path: str, parameters: list[dict]) -> str:
    examples = {p["name"]: p["schema"].get("example", p["name"]) for p in parameters if p["in"] == "path"}
    return re.sub(r"\{([^}]+)\}", lambda m: str(examples.get(m.group(1), m.group(1))), path)


def _curl(method: str, operation: dict, url: str) -> str:
    if method == "get":
        return f"curl -s '{url}'"
    command = f"curl -s -X {method.upper()}"
    if operation.get("security"):
        command += " -H 'Authorization: Bearer $TOKEN'"
    if "requestBody" in operation:
        command += " -H 'Content-Type: application/json' -d @body.json"
    return f"{command} '{url}'"


def operations() -> list[dict]:
    document = openapi_document()
    base = current_app.config["BASE_URL"].rstrip("/")
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            parameters = operation.get("parameters", [])
            found.append(
                {
                    "id": operation["operationId"].replace(".", "-"),
                    "method": method.upper(),
                    "path": path,
                    "summary": operation["summary"],
                    "parameters": parameters,
                    "responses": [
                        (status, response["description"], list(response.get("content", {})))
                        for status, response in operation["responses"].items()
                    ],
                    "curl": _curl(method, operation, f"{base}{_example_path(path, parameters)}"),
                }
            )
    return found


@bp.get("/api/")
def api_page():
    return render_template("public/api.html", operations=operations(), version=openapi_document()["info"]["version"])
