"""The JSON API, version 1."""

from __future__ import annotations

from flask import jsonify, request

from registry.subprocessors.snapshot import all_processors, registry_on
from registry.web.api import bp
from registry.web.apidoc import AT, N_, documented, json_response, not_found, ref
from registry.web.cookieless import cookieless
from registry.web.dates import parse_at
from registry.web.exports import processor_summary, snapshot_as_dict


@bp.get("/processors")
@cookieless
@documented(
    N_("Every processor with a registry, with the addresses of its registry."),
    {
        "200": json_response(
            N_("The processors."),
            {
                "type": "object",
                "properties": {"processors": {"type": "array", "items": ref("Registry1_summary")}},
                "required": ["processors"],
            },
        )
    },
)
def processors():
    return jsonify(processors=[processor_summary(p) for p in all_processors()])


@bp.get("/processors/<slug>")
@cookieless
@documented(
    N_("A processor's registry on one day: its services and their sub-processors, down the chain."),
    {
        "200": json_response(N_("The registry (schema registry-1)."), ref("Registry1")),
        "400": json_response(N_("The day is not written as YYYY-MM-DD, or lies before 1990."), ref("Error")),
        **not_found(N_("No such processor.")),
    },
    (AT,),
)
def processor(slug: str):
    day = parse_at(request.args.get("at"))
    return jsonify(snapshot_as_dict(registry_on(slug, day)))
