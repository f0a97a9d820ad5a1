"""WebSub (W3C Recommendation, 2018): with WEBSUB_HUB set, every feed names the hub (rel="hub"), and each
publication or withdrawal queues one notice to the hub, in the same transaction, naming every feed it changed.
The worker sends it as the hubs take it: a form POST of hub.mode=publish with one hub.url per feed (WebSub leaves
the publisher's notice to the hub; this is the form the public hubs document). The hub then fetches the feeds and
pushes them to its subscribers, so feed readers learn of a change without polling.

A feed is read at its own address and at ?lang=en and ?lang=nl (its self link names the one it was read at), so
each of the three is a topic of its own."""

from __future__ import annotations

import logging
from urllib.parse import urlencode, urlsplit

from flask import current_app
from sqlalchemy import select

from registry.extensions import db
from registry.mail.links import Place, url
from registry.models import LANGUAGES, Announcement, HubPing
from registry.models.types import utcnow
from registry.webhooks import attempts, transport

log = logging.getLogger(__name__)
KINDS = ("atom", "rss")


def topics(announcement: Announcement) -> list[str]:
    """Every feed the announcement's publication or withdrawal changes: all processors', its processor's and each
    of its services', as Atom and RSS, at each address a reader may have subscribed to."""
    slug = announcement.processor.slug
    plain = []
    for kind in KINDS:
        plain.append(url(Place.FEED_ALL, kind=kind))
        plain.append(url(Place.FEED_PROCESSOR, slug=slug, kind=kind))
        plain += [url(Place.FEED_SERVICE, slug=slug, key=s.key, kind=kind) for s in announcement.services]
    return [f"{address}{suffix}" for address in plain for suffix in ["", *(f"?lang={c}" for c in LANGUAGES)]]


def queue(announcement: Announcement, event: str) -> bool:
    """One notice to the hub of the feeds this event changed; nothing without WEBSUB_HUB."""
    hub = current_app.config["WEBSUB_HUB"]
    if not hub:
        return False
    key = f"announcement:{announcement.id}:{event}"
    if db.session.scalar(select(HubPing.id).filter_by(dedupe_key=key)) is not None:
        return False
    now = utcnow()
    db.session.add(
        HubPing(
            hub=hub,
            topics="\n".join(topics(announcement)),
            dedupe_key=key,
            announcement_id=announcement.id,
            queued_at=now,
            next_attempt_at=now,
        )
    )
    return True


def claim(worker: str, batch: int) -> list[int]:
    return attempts.claim(HubPing, worker, batch)


def notify_due(worker: str, batch: int = 20, should_stop=lambda: False) -> int:
    """Send the due notices to the hub; returns how many were claimed."""
    ids = claim(worker, batch)
    for ping_id in ids:
        if should_stop():
            break
        try:
            notify_one(ping_id, worker)
        except Exception:  # one notice that cannot be sent must not stop the worker
            db.session.rollback()
            log.exception("hub notice %s", ping_id)
    return len(ids)


def notify_one(ping_id: int, worker: str) -> None:
    if not attempts.still_ours(HubPing, ping_id, worker):
        return
    config = current_app.config
    ping = db.session.get(HubPing, ping_id)
    body = urlencode([("hub.mode", "publish"), *(("hub.url", t) for t in ping.topics.splitlines())]).encode()
    hub = ping.hub
    db.session.commit()
    try:
        answer = transport.post(
            hub,
            body,
            {"Content-Type": "application/x-www-form-urlencoded"},
            timeout=config["WEBHOOK_TIMEOUT"],
            # The hub is the operator's own setting: it may be on the own network.
            allow_private=True,
            ca_file=config["WEBHOOK_CA_FILE"],
            plain_http=urlsplit(hub).scheme == "http",
        )
        error = None if answer.ok else f"the hub answered {answer.status}"
    except transport.Unreachable as failure:
        answer, error = None, str(failure)
    db.session.expire_all()
    ping = db.session.get(HubPing, ping_id)
    if not attempts.ours(ping, worker):
        db.session.commit()
        return
    attempts.answered(ping, answer.status if answer else None)
    if error is None:
        attempts.delivered(ping)
    elif attempts.failed(ping, error):
        log.warning("WebSub hub %s: %s", hub, ping.last_error)
    db.session.commit()
