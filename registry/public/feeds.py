"""Atom and RSS feeds, with ETag / Last-Modified and 304 answers that skip building the feed."""
from __future__ import annotations

import hashlib
from collections import OrderedDict

from flask import Response, current_app, request, url_for

from .. import feeds
from ..services.changes import Scope, feed_events, feed_state
from ..services.snapshot import get_processor
from ..services.versions import service_by_key
from .views import bp

MIMETYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml"}
FORMAT_VERSION = "1"
_rendered: OrderedDict[str, bytes] = OrderedDict()
_CACHE_SIZE = 64


def absolute(endpoint: str, **values) -> str:
    """An absolute URL built on BASE_URL, so that feeds link to the public address."""
    return current_app.config["BASE_URL"] + url_for(endpoint, **values)


def _remember(etag: str, body: bytes) -> None:
    _rendered[etag] = body
    _rendered.move_to_end(etag)
    while len(_rendered) > _CACHE_SIZE:
        _rendered.popitem(last=False)


def _feed(scope: Scope, kind: str, title: str, page_url: str, self_url: str) -> Response:
    latest, publications, withdrawals = feed_state(scope)
    base_url = current_app.config["BASE_URL"]
    etag = hashlib.sha256(f"{FORMAT_VERSION}|{scope.key}|{kind}|{latest}|{publications}|{withdrawals}|"
                          f"{base_url}".encode()).hexdigest()[:32]
    headers = {"Cache-Control": "public, max-age=60", "Vary": "Accept-Encoding"}
    not_modified = etag in request.if_none_match if request.if_none_match else (
        latest is not None and request.if_modified_since is not None
        and latest.replace(microsecond=0) <= request.if_modified_since)
    if not_modified:
        response = Response(status=304, headers=headers)
    else:
        body = _rendered.get(etag)
        if body is None:
            body = feeds.build(kind, title=title, subtitle=f"Announced changes of sub-processors: {title}",
                               self_url=self_url, page_url=page_url, base_url=base_url,
                               events=feed_events(scope), updated=latest,
                               link_for=lambda a: absolute("public.announcement", slug=a.processor.slug,
                                                           announcement_id=a.id))
            _remember(etag, body)
        response = Response(body, mimetype=MIMETYPES[kind], headers=headers)
    response.set_etag(etag)
    if latest is not None:
        response.last_modified = latest
    return response


@bp.get("/feed.<any(atom, rss):kind>")
def feed_all(kind: str):
    return _feed(Scope(), kind, "All processors", absolute("public.index"),
                 absolute("public.feed_all", kind=kind))


@bp.get("/processors/<slug>/feed.<any(atom, rss):kind>")
def feed_processor(slug: str, kind: str):
    processor = get_processor(slug)
    return _feed(Scope(processor), kind, processor.legal_name, absolute("public.changes", slug=slug),
                 absolute("public.feed_processor", slug=slug, kind=kind))


@bp.get("/processors/<slug>/services/<key>/feed.<any(atom, rss):kind>")
def feed_service(slug: str, key: str, kind: str):
    processor = get_processor(slug)
    service = service_by_key(processor, key)
    return _feed(Scope(processor, service), kind, f"{processor.legal_name}: {service.name}",
                 absolute("public.service", slug=slug, key=key),
                 absolute("public.feed_service", slug=slug, key=key, kind=kind))
