"""A processor's logo (/processors/<slug>/logo): the bytes as uploaded, with their checked type, never sniffed
and never run (a page of its own would have no scripts: Content-Security-Policy default-src 'none')."""

from __future__ import annotations

from flask import Response, request

from registry.subprocessors import branding
from registry.web.public import bp


@bp.get("/processors/<slug>/logo")
def logo(slug: str):
    stored = branding.published_logo(slug)
    response = Response(stored.data, mimetype=stored.content_type)
    response.set_etag(stored.sha256)
    # A link that names the version (?v=, as the pages give it) may be kept long; the bare address briefly.
    versioned = request.args.get("v") == stored.sha256[:12]
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable" if versioned else "public, max-age=300"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response.make_conditional(request)
