"""Delivering webhooks, for the outbox worker (`flask mail send`): claim what is due, sign it, POST it, record the
answer, retry with back-off, pause an endpoint after repeated failures and tell its owner by mail.

Every attempt of a delivery carries the same webhook-id and body, with a new webhook-timestamp and signature
(Standard Webhooks). A worker killed while a request is in flight leaves that delivery claimed as `sending`; once
WEBHOOK_CLAIM_LEASE has run out another worker sends it again, with the same webhook-id, which is how the receiver
knows it for a repeat. Nothing else is sent twice: each outcome is committed before the next request."""

from __future__ import annotations

import json
import logging

from flask import current_app
from sqlalchemy import and_, or_, select
from standardwebhooks.webhooks import Webhook

from registry.audit import trail
from registry.extensions import db
from registry.mail import composing, outbox
from registry.mail.links import Place, url
from registry.models import LANGUAGES, VERIFICATION, User, WebhookDelivery, WebhookEndpoint
from registry.models.types import utcnow
from registry.text import _
from registry.webhooks import attempts, transport

log = logging.getLogger(__name__)
WORKER = "outbox worker"


def _ready(query, now, stale):
    """Only to endpoints that take it now: events to active ones, the verification message to unverified ones."""
    return query.join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id).where(
        or_(
            and_(WebhookEndpoint.status == "active", WebhookDelivery.event_type != VERIFICATION),
            and_(WebhookEndpoint.status == "unverified", WebhookDelivery.event_type == VERIFICATION),
        )
    )


def claim(worker: str, batch: int) -> list[int]:
    """Mark up to `batch` due deliveries as ours; on PostgreSQL rows another worker holds are skipped."""
    return attempts.claim(WebhookDelivery, worker, batch, _ready)


def signed_headers(secret: str, webhook_id: str, payload: str, at) -> dict[str, str]:
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(webhook_id, at, payload),
        "User-Agent": "sub-processor-registry-webhooks/1",
    }


def deliver_due(worker: str, batch: int = 20, should_stop=lambda: False) -> int:
    """Deliver what is due, one request at a time; returns how many deliveries were claimed."""
    ids = claim(worker, batch)
    for delivery_id in ids:
        if should_stop():
            break  # the rest stay claimed until the lease runs out
        try:
            deliver_one(delivery_id, worker)
        except Exception:  # one row that cannot be sent must not stop the worker (and the mail behind it)
            db.session.rollback()
            log.exception("webhook delivery %s", delivery_id)
            _give_up(delivery_id, worker)
    return len(ids)


def _give_up(delivery_id: int, worker: str) -> None:
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is not None and attempts.ours(delivery, worker):
        attempts.answered(delivery, None)
        delivery.status, delivery.last_error = "failed", "not sent: the portal could not build this request"
    db.session.commit()


def deliver_one(delivery_id: int, worker: str) -> None:
    if not attempts.still_ours(WebhookDelivery, delivery_id, worker):
        return
    delivery = db.session.get(WebhookDelivery, delivery_id)
    endpoint = delivery.endpoint
    verification = delivery.event_type == VERIFICATION
    if endpoint.status != ("unverified" if verification else "active"):
        # Paused or removed since the claim: back in the queue (or left failed by the removal).
        if delivery.status == "sending":
            delivery.status, delivery.claimed_at, delivery.claimed_by = "queued", None, None
        db.session.commit()
        return
    config = current_app.config
    at = utcnow()
    headers = signed_headers(endpoint.secret, delivery.webhook_id, delivery.payload, at)
    db.session.commit()  # no transaction stays open during the request
    try:
        answer = transport.post(
            endpoint.url,
            delivery.payload.encode(),
            headers,
            timeout=config["WEBHOOK_TIMEOUT"],
            allow_private=config["WEBHOOK_ALLOW_PRIVATE_TARGETS"],
            ca_file=config["WEBHOOK_CA_FILE"],
        )
        error = None if answer.ok else f"the receiver answered {answer.status}"
    except transport.Unreachable as failure:
        answer, error = None, str(failure)
    db.session.expire_all()
    delivery = db.session.get(WebhookDelivery, delivery_id)
    endpoint = delivery.endpoint
    if not attempts.ours(delivery, worker):
        db.session.commit()
        return
    attempts.answered(delivery, answer.status if answer else None)
    delivery.response_excerpt = answer.excerpt if answer else None
    if verification:
        _verified(delivery, endpoint, answer, error)
    elif error is None:
        attempts.delivered(delivery)
        endpoint.consecutive_failures, endpoint.last_error = 0, None
    else:
        _failed(delivery, endpoint, error)
    db.session.commit()


def _verified(delivery: WebhookDelivery, endpoint: WebhookEndpoint, answer, error: str | None) -> None:
    """One attempt: the owner asks again from the endpoint's page when it failed."""
    if error is None and not answers_challenge(answer.excerpt, endpoint.challenge):
        error = 'the receiver did not answer with the challenge (the body must be it, or {"challenge": it})'
    if error is not None:
        delivery.status, delivery.last_error = "failed", error
        endpoint.last_error = f"verification failed: {error}"
        return
    attempts.delivered(delivery)
    endpoint.status, endpoint.verified_at, endpoint.challenge, endpoint.last_error = "active", utcnow(), None, None
    trail.record(
        WORKER,
        "webhook.verified",
        endpoint,
        _("%(url)s answered its verification message", url=endpoint.url),
        processor_id=endpoint.processor_id,
        details={"url": endpoint.url, "organisation_id": endpoint.organisation_id, "owner": _owner_of(endpoint)},
    )


def answers_challenge(body: str, challenge: str | None) -> bool:
    """The answer's body is the challenge, or a JSON object whose "challenge" is it."""
    if not challenge:
        return False
    text = body.strip()
    if text == challenge:
        return True
    try:
        found = json.loads(text)
    except ValueError:
        return False
    return isinstance(found, dict) and found.get("challenge") == challenge


def _failed(delivery: WebhookDelivery, endpoint: WebhookEndpoint, error: str) -> None:
    config = current_app.config
    attempts.failed(delivery, error)
    endpoint.consecutive_failures += 1
    endpoint.last_error = error
    if endpoint.status == "active" and endpoint.consecutive_failures >= config["WEBHOOK_PAUSE_AFTER"]:
        _pause(endpoint, error)


def _owners(endpoint: WebhookEndpoint) -> list[tuple[str, str]]:
    """(address, language) of everyone who manages the endpoint: the processor's editors or the organisation's
    controller users, active ones only, or the subscription's address while it is confirmed."""
    default = current_app.config["DEFAULT_LANGUAGE"]
    if endpoint.subscription_id is not None:
        subscription = endpoint.subscription
        if subscription.status != "confirmed":
            return []
        return [(subscription.email, subscription.language if subscription.language in LANGUAGES else default)]
    if endpoint.processor_id is not None:
        where = and_(User.role == "editor", User.processor_id == endpoint.processor_id)
    else:
        where = and_(User.role == "controller", User.organisation_id == endpoint.organisation_id)
    rows = db.session.execute(
        select(User.email, User.language).where(where, User.active.is_(True)).order_by(User.email)
    )
    return [(email, language if language in LANGUAGES else default) for email, language in rows]


def _owner_of(endpoint: WebhookEndpoint) -> str:
    if endpoint.subscription_id is not None:
        return f"subscription:{endpoint.subscription_id}"
    if endpoint.processor_id is not None:
        return f"processor:{endpoint.processor_id}"
    return f"organisation:{endpoint.organisation_id}"


def _pause(endpoint: WebhookEndpoint, error: str) -> None:
    """Stop delivering to the endpoint (what is queued stays queued) and tell its owner, once per pause."""
    now = utcnow()
    endpoint.status, endpoint.paused_at = "paused", now
    trail.record(
        WORKER,
        "webhook.pause",
        endpoint,
        _(
            "Paused deliveries to %(url)s after %(count)s failures in a row",
            url=endpoint.url,
            count=endpoint.consecutive_failures,
        ),
        processor_id=endpoint.processor_id,
        details={
            "url": endpoint.url,
            "organisation_id": endpoint.organisation_id,
            "owner": _owner_of(endpoint),
            "error": error,
        },
    )
    if endpoint.subscription_id is not None:
        page = url(Place.WEBHOOK_FOR_SUBSCRIBER, token=endpoint.subscription.token, endpoint_id=endpoint.id)
        name = endpoint.subscription.email
    elif endpoint.processor_id is not None:
        page = url(Place.WEBHOOK_FOR_PROCESSOR, slug=endpoint.processor.slug, endpoint_id=endpoint.id)
        name = endpoint.processor.name
    else:
        page = url(Place.WEBHOOK_FOR_CONTROLLER, endpoint_id=endpoint.id)
        name = endpoint.organisation.name
    bodies = {}
    for address, language in _owners(endpoint):
        if language not in bodies:
            bodies[language] = composing.body(
                "webhook_paused",
                language,
                endpoint=endpoint.url,
                name=name,
                failures=endpoint.consecutive_failures,
                error=error,
                page=page,
            )
        outbox.queue_one(
            "webhook_paused",
            address,
            bodies[language],
            f"webhook:{endpoint.id}:paused:{now.isoformat()}:{address}",
            processor_id=endpoint.processor_id,
        )
