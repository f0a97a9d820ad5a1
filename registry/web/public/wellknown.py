"""/.well-known/subprocessor-registry.json: what this portal publishes, where, and the key that signs it."""

from __future__ import annotations

import json

from flask import Response, current_app, request

from registry.audit import checkpoints, signing
from registry.subprocessors.snapshot import all_processors
from registry.web.apidoc import N_, NOT_MODIFIED, documented, json_response
from registry.web.cookieless import cookieless
from registry.web.links import absolute
from registry.web.public import bp

PORTAL = "Sub-processor Registry"
SCHEMAS = "api.schemas"  # the schemas' index, where the app has it (left out, rather than a dead link, if not)


def _processor_links(processor) -> dict:
    slug = processor.slug
    return {
        "slug": slug,
        "name": processor.name,
        "legal_name": processor.legal_name,
        "registry": absolute("public.processor", slug=slug),
        "json": absolute("api.processor", slug=slug),
        "versions": absolute("api.registry_versions", slug=slug),
        "feeds": {
            "atom": absolute("public.feed_processor", slug=slug, kind="atom"),
            "rss": absolute("public.feed_processor", slug=slug, kind="rss"),
        },
        "csv": absolute("public.registry_csv", slug=slug),
    }


def document() -> dict:
    key = checkpoints.key()
    links = {
        "processors": absolute("api.processors"),
        "audit_checkpoints": absolute("public.audit_checkpoints"),
        "feeds": {"atom": absolute("public.feed_all", kind="atom"), "rss": absolute("public.feed_all", kind="rss")},
    }
    if SCHEMAS in current_app.view_functions:
        links["schemas"] = absolute(SCHEMAS)
    return {
        "portal": PORTAL,
        "base_url": current_app.config["BASE_URL"],
        "keys": [
            {
                "algorithm": signing.ALGORITHM,
                "key_id": key.key_id,
                "public_key": key.public_key,
                "public_key_pem": key.public_pem,
                "signs": ["registry versions", "audit checkpoints"],
            }
        ],
        "signatures": "Each registry version's .json is canonical JSON (RFC 8785); its .sig (the URL with .sig "
        'appended, named by the Link header rel="signature") holds base64 of the Ed25519 signature over exactly '
        "those bytes, made with the key above (public_key: base64 of the 32 raw bytes).",
        "links": links,
        "processors": [_processor_links(p) for p in all_processors()],
    }


@bp.get("/.well-known/subprocessor-registry.json")
@cookieless
@documented(
    N_("What this portal publishes and where: the signing keys, every processor's registry, feeds and schemas."),
    {"200": json_response(N_("The portal's description.")), **NOT_MODIFIED},
)
def well_known():
    body = json.dumps(document(), indent=2, ensure_ascii=False) + "\n"
    response = Response(body, mimetype="application/json")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.add_etag()
    return response.make_conditional(request)
