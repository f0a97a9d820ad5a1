"""The JSON API, version 1."""

from __future__ import annotations

from flask import jsonify, request

from registry.subprocessors.snapshot import all_processors, registry_on
from registry.web.api import bp
from registry.web.cookieless import cookieless
from registry.web.dates import parse_at
from registry.web.exports import processor_summary, snapshot_as_dict


@bp.get("/processors")
@cookieless
def processors():
    return jsonify(processors=[processor_summary(p) for p in all_processors()])


@bp.get("/processors/<slug>")
@cookieless
def processor(slug: str):
    day = parse_at(request.args.get("at"))
    return jsonify(snapshot_as_dict(registry_on(slug, day)))
