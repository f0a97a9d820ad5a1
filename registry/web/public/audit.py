"""The audit log's signed checkpoints and the public key, for anyone to keep and check (cacheable JSON)."""

from __future__ import annotations

import json

from flask import Response, abort, request

from registry.audit import checkpoints
from registry.web.apidoc import N_, NOT_MODIFIED, documented, json_response, page_error
from registry.web.cookieless import cookieless
from registry.web.public import bp


def _json(document: dict) -> Response:
    body = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    response = Response(body, mimetype="application/json")
    response.headers["Cache-Control"] = "public, max-age=60"
    # Verifiers in a browser, on other sites, may fetch it too.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/audit/checkpoints.json")
@cookieless
@documented(
    N_("The audit log's signed checkpoints and the public key that signs them."),
    {"200": json_response(N_("The checkpoints.")), **NOT_MODIFIED},
)
def audit_checkpoints():
    return _json(checkpoints.document())


@bp.get("/audit/checkpoints/<int:sequence>.json")
@cookieless
@documented(
    N_("One signed checkpoint of the audit log, with the key that signed it."),
    {
        "200": json_response(N_("The checkpoint.")),
        **NOT_MODIFIED,
        "404": page_error(N_("No checkpoint of that number.")),
    },
)
def audit_checkpoint(sequence: int):
    """One checkpoint with the key that signed it: what a receipt links to, to be saved by its reader."""
    found = checkpoints.numbered(sequence)
    if found is None:
        abort(404)
    return _json(checkpoints.document([found]))
