"""Signed registry versions: each version's canonical JSON, its detached Ed25519 signature, and their list."""

from __future__ import annotations

import hashlib

from flask import Response, jsonify, request

from registry.subprocessors import published
from registry.web.api import bp
from registry.web.apidoc import N_, documented, json_response, not_found, ref
from registry.web.cookieless import cookieless
from registry.web.links import absolute


def _urls(slug: str, number: int) -> dict:
    document = absolute("api.registry_version", slug=slug, number=number)
    return {"url": document, "signature_url": absolute("api.registry_version_signature", slug=slug, number=number)}


@bp.get("/processors/<slug>/versions/")
@cookieless
@documented(
    N_("A processor's published registry versions, with the addresses of each signed document and signature."),
    {"200": json_response(N_("The versions, by number."), ref("VersionList")), **not_found(N_("No such processor."))},
)
def registry_versions(slug: str):
    processor, rows = published.listed(slug)
    response = jsonify(
        processor=processor.slug,
        schema=published.SCHEMA,
        versions=[
            {
                "number": v.number,
                "event": v.event,
                "effective_date": v.effective_date.isoformat(),
                "published_at": v.published_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "withdrawn_in": published.withdrawn_in(v),
                **_urls(processor.slug, v.number),
            }
            for v in rows
        ],
    )
    return _public(response)


@bp.get("/processors/<slug>/versions/<int:number>.json")
@cookieless
@documented(
    N_("One registry version as canonical JSON (RFC 8785), exactly the bytes that are signed."),
    {
        "200": json_response(
            N_("The version (schema registry-version-1)."),
            ref("RegistryVersion1"),
            headers=[("Link", 'The signature: <….json.sig>; rel="signature"'), ("ETag", "Of these bytes")],
        ),
        **not_found(N_("No such processor or version.")),
    },
)
def registry_version(slug: str, number: int):
    """The bytes exactly as signed; the Link header names the signature."""
    version = published.signed(slug, number)
    response = Response(version.body, mimetype=published.MEDIA_TYPE)
    response.headers["Link"] = f'<{_urls(slug, number)["signature_url"]}>; rel="signature"'
    response.set_etag(_tag(version.body))
    return _public(response).make_conditional(request)


@bp.get("/processors/<slug>/versions/<int:number>.json.sig")
@cookieless
@documented(
    N_("The detached Ed25519 signature of a registry version: base64 of 64 bytes, one line."),
    {
        "200": json_response(
            N_("The signature."),
            {"type": "string", "pattern": "^[A-Za-z0-9+/]{86}==\\n$"},
            "text/plain",
            headers=[("X-Signature-Key-Id", "The id of the key that signed it, as /.well-known names it")],
        ),
        **not_found(N_("No such processor or version.")),
    },
)
def registry_version_signature(slug: str, number: int):
    """The detached signature: base64 of the 64 raw Ed25519 bytes over the .json's bytes, one line."""
    version = published.signed(slug, number)
    response = Response(version.signature + "\n", mimetype=published.SIGNATURE_MEDIA_TYPE)
    response.headers["X-Signature-Key-Id"] = version.key_id
    response.set_etag(_tag(version.signature.encode()))
    return _public(response).make_conditional(request)


def _tag(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]


def _public(response: Response) -> Response:
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
