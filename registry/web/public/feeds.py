"""Atom and RSS feeds, with ETag / Last-Modified and 304 answers that skip building the feed."""
from __future__ import annotations

import hashlib
from collections import OrderedDict

from flask import Response, current_app, request
from flask_babel import force_locale, gettext as _

from registry.web import feeds
from registry.web.i18n import LANGUAGES
from registry.web.links import absolute
from registry.announcements.reading import FeedHead, Scope, cached_feed_head, feed_events
from registry.web.public import bp

MIMETYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml"}
FORMAT_VERSION = "3"
_rendered: OrderedDict[str, bytes] = OrderedDict()
_CACHE_SIZE = 64


def _remember(etag: str, body: bytes) -> None:
    _rendered[etag] = body
    _rendered.move_to_end(etag)
    while len(_rendered) > _CACHE_SIZE:
        _rendered.popitem(last=False)


def _not_modified(etag: str, head: FeedHead) -> bool:
    if request.if_none_match:
        return etag in request.if_none_match
    since = request.if_modified_since
    return since is not None and head.updated_at is not None and head.updated_at.replace(microsecond=0) <= since


def feed_language() -> str:
    """A feed's language comes from its URL (?lang=nl or en), so that one address always reads the same and
    shared caches need not vary; without it, the site's default language."""
    chosen = request.args.get("lang")
    return chosen if chosen in LANGUAGES else current_app.config["DEFAULT_LANGUAGE"]


def _feed(head: FeedHead, kind: str, page_url: str, self_url: str) -> Response:
    """Answer 304 from the head alone; otherwise serve the feed, built once per state, language and worker."""
    base_url = current_app.config["BASE_URL"]
    language = feed_language()
    if request.args.get("lang") == language:
        self_url += f"?lang={language}"
    etag = hashlib.sha256(f"{FORMAT_VERSION}|{head.key}|{kind}|{language}|{head.serial}|{head.updated_at}|"
                          f"{base_url}".encode()).hexdigest()[:32]
    headers = {"Cache-Control": "public, max-age=60"}
    if _not_modified(etag, head):
        response = Response(status=304, headers=headers)
    else:
        body = _rendered.get(etag)
        if body is None:
            scope = Scope(head.processor_id, head.service_id)
            with force_locale(language):
                title = str(head.title)
                body = feeds.build(kind, language=language, title=title,
                                   subtitle=_("Announced changes of sub-processors: %(name)s", name=title),
                                   self_url=self_url, page_url=page_url, base_url=base_url,
                                   events=feed_events(scope), updated=head.updated_at,
                                   link_for=lambda a: absolute("public.announcement", slug=a.processor.slug,
                                                               announcement_id=a.id))
            _remember(etag, body)
        response = Response(body, mimetype=MIMETYPES[kind], headers=headers)
    response.set_etag(etag)
    if head.updated_at is not None:
        response.last_modified = head.updated_at
    return response


def feed_head(slug: str | None = None, service_key: str | None = None) -> FeedHead:
    return cached_feed_head(slug, service_key, current_app.config["FEED_STATE_TTL"])


@bp.get("/feed.<any(atom, rss):kind>")
def feed_all(kind: str):
    return _feed(feed_head(), kind, absolute("public.index"), absolute("public.feed_all", kind=kind))


@bp.get("/processors/<slug>/feed.<any(atom, rss):kind>")
def feed_processor(slug: str, kind: str):
    return _feed(feed_head(slug), kind, absolute("public.changes", slug=slug),
                 absolute("public.feed_processor", slug=slug, kind=kind))


@bp.get("/processors/<slug>/services/<key>/feed.<any(atom, rss):kind>")
def feed_service(slug: str, key: str, kind: str):
    return _feed(feed_head(slug, key), kind, absolute("public.service", slug=slug, key=key),
                 absolute("public.feed_service", slug=slug, key=key, kind=kind))
