"""Subscribing with double opt-in, confirming, managing and one-click unsubscribing."""

from __future__ import annotations

from hmac import compare_digest

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from registry.accounts import users
from registry.exceptions import DomainError, NotFound
from registry.extensions import db
from registry.mail import composing, outbox
from registry.mail.links import Place, url
from registry.models import LANGUAGES, Processor, Service, Subscription
from registry.models.mail import new_token
from registry.models.types import utcnow
from registry.storage.transactions import one_transaction
from registry.text import _

CONFIRM_DAYS = 7


class AlreadyConfirmed(DomainError):
    """A confirmation link used a second time: nothing to do, and nothing wrong."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="subscription-confirm")


def confirmation_token(subscription: Subscription) -> str:
    """Signed and expiring; it names the subscription and the secret of this one request to confirm it, never the
    management token. Confirming, unsubscribing or asking again replaces that secret, so the link works once."""
    return _serializer().dumps({"id": subscription.id, "nonce": subscription.confirm_nonce})


def _services(processor: Processor, service_ids: list[int]) -> list[Service]:
    services = db.session.scalars(select(Service).where(Service.id.in_(service_ids))).all() if service_ids else []
    if len(services) != len(set(service_ids)) or any(s.processor_id != processor.id for s in services):
        raise DomainError(_("Choose services of %(name)s only.", name=processor.name), "service_ids")
    return sorted(services, key=lambda s: s.position)


@one_transaction
def subscribe(processor: Processor, email: str, language: str, service_ids: list[int]) -> None:
    """Queue a confirmation (or, for a confirmed address, a manage link); the caller shows the same answer."""
    address = users.normalise_email(email)
    if language not in LANGUAGES:
        raise DomainError(_("Choose English or Nederlands."), "language")
    services = _services(processor, service_ids)
    sub = db.session.scalar(select(Subscription).filter_by(processor_id=processor.id, email=address))
    confirmed = sub is not None and sub.status == "confirmed"
    if sub is None:
        sub = Subscription(processor_id=processor.id, email=address)
        db.session.add(sub)
    if not confirmed:
        sub.status, sub.token, sub.language = "pending", new_token(), language
        sub.all_services, sub.services = not services, services
        sub.confirm_nonce = new_token()
    db.session.flush()
    _queue_subscription_mail(processor, sub, confirmed)
    db.session.commit()


def _queue_subscription_mail(processor: Processor, sub: Subscription, confirmed: bool) -> None:
    """The request to confirm (or, for an address subscribed already, its manage link), in the chosen language."""
    services = [] if sub.all_services else [s.name for s in sub.services]  # none named: all services
    body = composing.body(
        "subscription",
        sub.language,
        processor=processor,
        email=sub.email,
        confirmed=confirmed,
        services=services,
        days=CONFIRM_DAYS,
        confirm_url=url(Place.SUBSCRIPTION_CONFIRMATION, signed=confirmation_token(sub)),
    )
    # A fresh key per request: asking again sends again (the rate limit keeps that in bounds).
    outbox.queue_one(
        "subscription",
        sub.email,
        body,
        f"subscription:{sub.id}:{utcnow().isoformat()}",
        processor_id=processor.id,
        subscription_id=sub.id,
        manage_url=url(Place.SUBSCRIPTION, token=sub.token) if confirmed else None,
    )


def _read(signed: str) -> tuple[Subscription | None, str | None]:
    """The subscription a confirmation link names, and the secret it carries."""
    try:
        data = _serializer().loads(signed, max_age=CONFIRM_DAYS * 86400)
    except SignatureExpired as error:
        raise DomainError(
            _(
                "This confirmation link has expired (it works for %(confirm_days)s days). Subscribe again "
                "to get a new one.",
                confirm_days=CONFIRM_DAYS,
            )
        ) from error
    except BadSignature as error:
        raise DomainError(_("This confirmation link is not valid. Copy the whole link from the mail.")) from error
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        return None, None
    return db.session.get(Subscription, data["id"]), data.get("nonce")


def confirmable(signed: str) -> Subscription:
    """The pending subscription a confirmation link may confirm; a clear error for any other link. Changes nothing."""
    return _unused(*_read(signed))


def _unused(sub: Subscription | None, nonce) -> Subscription:
    """`sub` if the link's secret is the one of its open request to confirm; else why the link does nothing."""
    if sub is None:
        raise DomainError(_("This confirmation link is no longer valid. Subscribe again to get a new one."))
    if sub.status == "pending" and isinstance(nonce, str) and compare_digest(sub.confirm_nonce or "", nonce):
        return sub
    if sub.status == "confirmed":
        raise AlreadyConfirmed(
            _(
                "This confirmation link was used already: %(email)s is subscribed. Every mail has a "
                "link to manage or end the subscription.",
                email=sub.email,
            )
        )
    if sub.status == "unsubscribed":
        raise DomainError(
            _(
                "This subscription was ended, and a confirmation link from before cannot restart it. "
                "Subscribe again to get a new link."
            )
        )
    raise DomainError(
        _(
            "This confirmation link is no longer valid; a newer one was sent. Use the link in the most "
            "recent mail, or subscribe again to get a new one."
        )
    )


@one_transaction
def confirm(signed: str) -> Subscription:
    """Confirm from the page the mailed link opens (a POST); the link then stops working."""
    sub, nonce = _read(signed)
    _unused(sub, nonce)
    # Re-read under a row lock: of two confirmations (or a confirmation and an unsubscribe) one wins.
    db.session.execute(select(Subscription.id).where(Subscription.id == sub.id).with_for_update())
    db.session.refresh(sub)
    _unused(sub, nonce)
    sub.status, sub.confirmed_at, sub.confirm_nonce = "confirmed", utcnow(), None
    db.session.commit()
    return sub


def by_token(token: str) -> Subscription:
    sub = db.session.scalar(select(Subscription).filter_by(token=token)) if token else None
    if sub is None:
        raise NotFound(_("This subscription link is not valid. Use the link from the most recent mail."))
    return sub


@one_transaction
def update_scope(token: str, language: str, service_ids: list[int]) -> Subscription:
    sub = by_token(token)
    if sub.status != "confirmed":
        raise DomainError(_("This subscription has ended or is not confirmed yet; subscribe again."))
    if language not in LANGUAGES:
        raise DomainError(_("Choose English or Nederlands."), "language")
    services = _services(sub.processor, service_ids)
    sub.language, sub.all_services, sub.services = language, not services, services
    db.session.commit()
    return sub


def unsubscribe(token: str) -> Subscription:
    """End the subscription (one click, no login); asking twice changes nothing."""
    sub = by_token(token)
    if sub.status != "unsubscribed":
        # A confirmation link still in a mailbox must not restart what was ended here.
        sub.status, sub.unsubscribed_at, sub.confirm_nonce = "unsubscribed", utcnow(), None
        db.session.commit()
    return sub
