"""Registering, verifying, resuming and removing webhook endpoints; each step in the audit log (never the secret).

An endpoint receives nothing but its verification message until it answered it with the challenge that message
carries: that proves the address is its owner's receiver and not somebody else's server. The secret is shown to
the owner, who needs it to check the signatures; it is symmetric (HMAC), so it cannot be stored hashed."""

from __future__ import annotations

import base64
import secrets

from flask import current_app
from sqlalchemy import func, select, update

from registry.audit import trail
from registry.exceptions import DomainError, NotFound
from registry.extensions import db
from registry.models import User, WebhookDelivery, WebhookEndpoint
from registry.models.types import utcnow
from registry.storage.locks import locked
from registry.storage.transactions import one_transaction
from registry.text import _
from registry.webhooks import events, targets
from registry.webhooks.owners import Owner, require

MAX_ENDPOINTS = 10
MAX_DESCRIPTION = 200


def new_secret() -> str:
    """whsec_ and 24 random bytes in base64, as the Standard Webhooks libraries take it."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def new_challenge() -> str:
    return secrets.token_urlsafe(24)


def of_owner(actor: User | None, owner: Owner) -> list[WebhookEndpoint]:
    """The owner's endpoints that were not removed, oldest first."""
    require(actor, owner)
    return list(
        db.session.scalars(
            select(WebhookEndpoint)
            .where(owner.where(), WebhookEndpoint.status != "removed")
            .order_by(WebhookEndpoint.id)
        )
    )


def get(actor: User | None, owner: Owner, endpoint_id: int, lock: bool = False) -> WebhookEndpoint:
    """One of the owner's endpoints; NotFound for another owner's, a removed one or none."""
    require(actor, owner)
    endpoint = locked(WebhookEndpoint, endpoint_id) if lock else db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or not owner.owns(endpoint) or endpoint.status == "removed":
        raise NotFound(_("No such webhook endpoint."))
    return endpoint


def deliveries(endpoint: WebhookEndpoint, limit: int = 50) -> list[WebhookDelivery]:
    """The endpoint's newest deliveries, the evidence of what was sent and what the receiver answered."""
    return list(
        db.session.scalars(
            select(WebhookDelivery).filter_by(endpoint_id=endpoint.id).order_by(WebhookDelivery.id.desc()).limit(limit)
        )
    )


def _record(actor: User | None, action: str, endpoint: WebhookEndpoint, summary, owner: Owner) -> None:
    trail.record(
        actor if actor is not None else owner.subscription.email,
        action,
        endpoint,
        summary,
        processor_id=owner.processor_id,
        details={
            "url": endpoint.url,
            "organisation_id": endpoint.organisation_id,
            "subscription_id": endpoint.subscription_id,
        },
    )


def _description(value: str) -> str:
    text = " ".join((value or "").split())
    if len(text) > MAX_DESCRIPTION:
        raise DomainError(
            _("Keep the description under %(count)s characters.", count=f"{MAX_DESCRIPTION:,}"), "description"
        )
    return text


@one_transaction
def register(actor: User | None, owner: Owner, url: str, description: str = "") -> WebhookEndpoint:
    """A new endpoint, waiting for its verification message to be answered."""
    require(actor, owner)
    address = targets.checked_url(url)
    label = _description(description)
    targets.check_reachable(address, current_app.config["WEBHOOK_ALLOW_PRIVATE_TARGETS"])
    locked(type(owner.row), owner.row.id)
    current = of_owner(actor, owner)
    if any(e.url == address for e in current):
        raise DomainError(_("%(url)s is registered already.", url=address), "url")
    if len(current) >= MAX_ENDPOINTS:
        raise DomainError(
            _(
                "%(name)s has %(count)s endpoints, the most there may be: remove one first.",
                name=owner.name,
                count=MAX_ENDPOINTS,
            )
        )
    endpoint = WebhookEndpoint(
        url=address,
        description=label,
        secret=new_secret(),
        challenge=new_challenge(),
        status="unverified",
        created_by_id=actor.id if actor is not None else None,
        created_at=utcnow(),
        **owner.columns(),
    )
    db.session.add(endpoint)
    db.session.flush()
    events.queue_verification(endpoint)
    _record(actor, "webhook.create", endpoint, _("Registered the webhook endpoint %(url)s", url=address), owner)
    db.session.commit()
    return endpoint


@one_transaction
def verify_again(actor: User | None, owner: Owner, endpoint_id: int) -> WebhookEndpoint:
    """A new verification message, with a new challenge, for an endpoint that has not answered one yet."""
    endpoint = get(actor, owner, endpoint_id, lock=True)
    if endpoint.status != "unverified":
        raise DomainError(_("%(url)s is verified already.", url=endpoint.url))
    pending = db.session.scalar(
        select(func.count(WebhookDelivery.id)).where(
            WebhookDelivery.endpoint_id == endpoint.id,
            WebhookDelivery.event_type == events.VERIFICATION,
            WebhookDelivery.status.in_(("queued", "sending")),
        )
    )
    if pending:
        raise DomainError(_("A verification message is on its way already: look again in a minute."))
    endpoint.challenge = new_challenge()
    events.queue_verification(endpoint)
    _record(actor, "webhook.verify", endpoint, _("Asked %(url)s again to verify", url=endpoint.url), owner)
    db.session.commit()
    return endpoint


@one_transaction
def resume(actor: User | None, owner: Owner, endpoint_id: int) -> WebhookEndpoint:
    """Deliver again to a paused endpoint: what was queued meanwhile goes out at once, oldest first."""
    endpoint = get(actor, owner, endpoint_id, lock=True)
    if endpoint.status != "paused":
        raise DomainError(_("%(url)s is not paused.", url=endpoint.url))
    now = utcnow()
    endpoint.status, endpoint.paused_at, endpoint.consecutive_failures = "active", None, 0
    db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status == "queued")
        .values(next_attempt_at=now)
    )
    _record(actor, "webhook.resume", endpoint, _("Resumed deliveries to %(url)s", url=endpoint.url), owner)
    db.session.commit()
    return endpoint


@one_transaction
def remove(actor: User | None, owner: Owner, endpoint_id: int) -> WebhookEndpoint:
    """Stop the endpoint for good; what it was sent stays as evidence, what was still queued is not sent."""
    endpoint = get(actor, owner, endpoint_id, lock=True)
    endpoint.status, endpoint.removed_at, endpoint.challenge = "removed", utcnow(), None
    db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status.in_(("queued", "sending")))
        .values(status="failed", last_error="not sent: the endpoint was removed", claimed_at=None, claimed_by=None)
    )
    _record(actor, "webhook.remove", endpoint, _("Removed the webhook endpoint %(url)s", url=endpoint.url), owner)
    db.session.commit()
    return endpoint
