"""A processor's own face on its public pages: its logo (/processors/<slug>/logo, the bytes as uploaded with their
checked type, never sniffed and never run) and its accent colour as a style sheet of its own
(/processors/<slug>/face.css: the Content-Security-Policy allows no inline style)."""

from __future__ import annotations

from flask import Response, g, request, url_for

from registry.models import Processor
from registry.subprocessors import branding
from registry.web.public import bp

YEAR = "public, max-age=31536000, immutable"


@bp.get("/processors/<slug>/logo")
def logo(slug: str):
    stored = branding.published_logo(slug)
    response = Response(stored.data, mimetype=stored.content_type)
    response.set_etag(stored.sha256)
    # A link that names the version (?v=, as the pages give it) may be kept long; the bare address briefly.
    response.headers["Cache-Control"] = YEAR if request.args.get("v") == stored.sha256[:12] else "public, max-age=300"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response.make_conditional(request)


@bp.get("/processors/<slug>/face.css")
def face_css(slug: str):
    colour = branding.published_accent(slug)
    # The colour was checked as #rrggbb when it was set: nothing else can reach this sheet.
    css = (
        f".processor-face-accent {{ background: {colour}; color: #ffffff; }}\n"
        f"main a:not(.button) {{ color: {colour}; }}\n"
    )
    response = Response(css, mimetype="text/css")
    response.headers["Cache-Control"] = YEAR if request.args.get("v") == colour[1:] else "public, max-age=300"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.app_context_processor
def _faces() -> dict:
    def face_of(processor: Processor) -> dict:
        """The processor's accent colour and the address of its logo (one look per processor and request)."""
        cache = g.setdefault("faces", {})
        if processor.id not in cache:
            stored = branding.logo_of(processor)
            logo_url = url_for("public.logo", slug=processor.slug, v=stored.sha256[:12]) if stored else None
            cache[processor.id] = {"accent": processor.accent_colour, "logo_url": logo_url}
        return cache[processor.id]

    return {"face_of": face_of}
