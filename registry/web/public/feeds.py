"""Atom and RSS feeds, with ETag / Last-Modified and 304 answers that skip building the feed (Werkzeug decides)."""

from __future__ import annotations

import hashlib
from threading import Lock

from cachetools import LRUCache, cached
from flask import Response, current_app, request
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.http import is_resource_modified

from registry.announcements.reading import FeedHead, Scope, cached_feed_head, feed_events
from registry.web import feeds
from registry.web.apidoc import LANG, N_, NOT_MODIFIED, documented, page_error
from registry.web.cookieless import cookieless
from registry.web.i18n import LANGUAGES
from registry.web.links import absolute
from registry.web.public import bp

MIMETYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml"}
FORMAT_VERSION = "3"
# Per worker: the newest 64 feeds built, by ETag (which names the state, kind, language and base URL).
_rendered: LRUCache[str, bytes] = LRUCache(maxsize=64)


def feed_language() -> str:
    """A feed's language comes from its URL (?lang=nl or en), so that one address always reads the same and
    shared caches need not vary; without it, the site's default language."""
    chosen = request.args.get("lang")
    return chosen if chosen in LANGUAGES else current_app.config["DEFAULT_LANGUAGE"]


@cached(_rendered, key=lambda etag, *_args: etag, lock=Lock())
def _body(etag: str, head: FeedHead, kind: str, language: str, page_url: str, self_url: str) -> bytes:
    """The feed's bytes, built once per ETag and worker."""
    scope = Scope(head.processor_id, head.service_id)
    with force_locale(language):
        title = str(head.title)
        return feeds.build(
            kind,
            language=language,
            title=title,
            subtitle=_("Announced changes of sub-processors: %(name)s", name=title),
            self_url=self_url,
            page_url=page_url,
            base_url=current_app.config["BASE_URL"],
            events=feed_events(scope),
            updated=head.updated_at,
            link_for=lambda a: absolute("public.announcement", slug=a.processor.slug, number=a.number),
            hub=current_app.config["WEBSUB_HUB"],
        )


def _feed(head: FeedHead, kind: str, page_url: str, self_url: str) -> Response:
    """Answer 304 from the head alone, before any feed is built; otherwise serve the feed.

    Werkzeug's is_resource_modified decides, as inside Response.make_conditional (If-None-Match first, by weak
    comparison, else If-Modified-Since to the second); make_conditional's own extra work (a Date header that
    the server sets anyway, Range handling, parsing Last-Modified back) cost 7 % more per feed request."""
    language = feed_language()
    if request.args.get("lang") == language:
        self_url += f"?lang={language}"
    etag = hashlib.sha256(
        f"{FORMAT_VERSION}|{head.key}|{kind}|{language}|{head.serial}|{head.updated_at}|"
        f"{current_app.config['BASE_URL']}|{current_app.config['WEBSUB_HUB']}".encode()
    ).hexdigest()[:32]
    response = Response(headers={"Cache-Control": "public, max-age=60"})
    if current_app.config["WEBSUB_HUB"]:
        # WebSub discovery (§4): the hub and the topic's own address, in the headers as in the feed.
        response.headers["Link"] = f'<{current_app.config["WEBSUB_HUB"]}>; rel="hub", <{self_url}>; rel="self"'
    response.set_etag(etag)
    if head.updated_at is not None:
        response.last_modified = head.updated_at
    if not is_resource_modified(request.environ, etag, last_modified=head.updated_at):
        response.status_code = 304
        return response
    response.mimetype = MIMETYPES[kind]
    response.set_data(_body(etag, head, kind, language, page_url, self_url))
    return response


def feed_head(slug: str | None = None, service_key: str | None = None) -> FeedHead:
    return cached_feed_head(slug, service_key, current_app.config["FEED_STATE_TTL"])


@bp.get("/feed.<any(atom, rss):kind>")
@cookieless
@documented(
    N_("The announced changes of every processor, as Atom or RSS."),
    {
        "200": {
            "description": N_("The feed."),
            "content": {t: {"schema": {"type": "string"}} for t in MIMETYPES.values()},
        },
        **NOT_MODIFIED,
    },
    (LANG,),
)
def feed_all(kind: str):
    return _feed(feed_head(), kind, absolute("public.index"), absolute("public.feed_all", kind=kind))


@bp.get("/processors/<slug>/feed.<any(atom, rss):kind>")
@cookieless
@documented(
    N_("A processor's announced changes, as Atom or RSS."),
    {
        "200": {
            "description": N_("The feed."),
            "content": {t: {"schema": {"type": "string"}} for t in MIMETYPES.values()},
        },
        **NOT_MODIFIED,
        "404": page_error(N_("No such processor or service.")),
    },
    (LANG,),
)
def feed_processor(slug: str, kind: str):
    return _feed(
        feed_head(slug),
        kind,
        absolute("public.changes", slug=slug),
        absolute("public.feed_processor", slug=slug, kind=kind),
    )


@bp.get("/processors/<slug>/services/<key>/feed.<any(atom, rss):kind>")
@cookieless
@documented(
    N_("The announced changes that concern one service, as Atom or RSS."),
    {
        "200": {
            "description": N_("The feed."),
            "content": {t: {"schema": {"type": "string"}} for t in MIMETYPES.values()},
        },
        **NOT_MODIFIED,
        "404": page_error(N_("No such processor or service.")),
    },
    (LANG,),
)
def feed_service(slug: str, key: str, kind: str):
    return _feed(
        feed_head(slug, key),
        kind,
        absolute("public.service", slug=slug, key=key),
        absolute("public.feed_service", slug=slug, key=key, kind=kind),
    )
