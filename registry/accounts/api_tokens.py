"""A processor's API tokens: made by an editor of that processor (or the site admin), shown once, stored as the
SHA-256 of the secret, with scopes (read, draft, publish), an expiry and the moment of last use; revocable. Each
make and revoke is in the audit log (never the secret). What a token does is done in its maker's name, with the
token named in the audit details (`acting`).

Also the answers kept per Idempotency-Key, so that a retried POST does nothing twice."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from registry.audit import trail
from registry.exceptions import DomainError, NotFound
from registry.extensions import db
from registry.models import SCOPES, ApiToken, IdempotencyRecord, Processor, User
from registry.models.types import utcnow
from registry.storage.locks import locked
from registry.storage.transactions import one_transaction
from registry.text import _

PREFIX = "spr_"
DEFAULT_DAYS = 90
MAX_DAYS = 365
MAX_NAME = 100
MAX_KEY = 200
# How long the answer to an Idempotency-Key is kept; how finely a token's last use is recorded.
KEPT_HOURS = 24
LAST_USE_STEP = timedelta(minutes=1)


class TokenRefused(DomainError):
    """No token, an unknown, expired or revoked one: the API answers 401."""


class ScopeRefused(DomainError):
    """A token without the scope the request needs: the API answers 403."""


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _require_editor(actor: User, processor: Processor) -> None:
    if not actor.may_edit(processor):
        raise NotFound(_("No such processor."))


def tokens_of(actor: User, processor: Processor) -> list[ApiToken]:
    _require_editor(actor, processor)
    query = select(ApiToken).filter_by(processor_id=processor.id).order_by(ApiToken.id.desc())
    return list(db.session.scalars(query))


def state(token: ApiToken, now=None) -> str:
    """active, expired or revoked."""
    if token.revoked_at is not None:
        return "revoked"
    return "expired" if (now or utcnow()) >= token.expires_at else "active"


@one_transaction
def create(actor: User, processor: Processor, name: str, scopes: list[str], days: int) -> tuple[ApiToken, str]:
    """A new token; returns it with its secret, which is not stored and cannot be shown again."""
    _require_editor(actor, processor)
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        raise DomainError(_("Give the token a name of at most %(max)s characters.", max=MAX_NAME), "name")
    chosen = [s for s in SCOPES if s in (scopes or [])]
    if not chosen or len(chosen) != len(set(scopes)):
        raise DomainError(_("Choose at least one scope: read, draft or publish."), "scopes")
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise DomainError(_("The token expires after 1 to %(max)s days.", max=MAX_DAYS), "days")
    secret = PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(
        processor_id=processor.id,
        name=name,
        scopes=" ".join(chosen),
        prefix=secret[:12],
        secret_hash=digest(secret),
        created_by_id=actor.id,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    trail.record(
        actor,
        "api_token.create",
        token,
        _("Made API token %(name)s", name=name),
        processor_id=processor.id,
        details={"name": name, "prefix": token.prefix, "scopes": chosen, "days": days},
    )
    db.session.commit()
    return token, secret


@one_transaction
def revoke(actor: User, processor: Processor, token_id: int) -> ApiToken:
    _require_editor(actor, processor)
    token = locked(ApiToken, token_id)
    if token is None or token.processor_id != processor.id:
        raise NotFound(_("No such token."))
    if token.revoked_at is not None:
        raise DomainError(_("The token %(name)s was revoked already.", name=token.name))
    token.revoked_at = utcnow()
    trail.record(
        actor,
        "api_token.revoke",
        token,
        _("Revoked API token %(name)s", name=token.name),
        processor_id=processor.id,
        details={"name": token.name, "prefix": token.prefix},
    )
    db.session.commit()
    return token


@one_transaction
def authenticate(secret: str | None) -> ApiToken:
    """The token with this secret, its last use set to now; TokenRefused for none, an unknown, expired or revoked
    one. The stored hashes are compared in constant time."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 200:
        raise TokenRefused(_("Give a valid API token: Authorization: Bearer spr_…"))
    wanted = digest(secret)
    token = db.session.scalar(select(ApiToken).filter_by(secret_hash=wanted))
    if token is None or not hmac.compare_digest(token.secret_hash, wanted):
        raise TokenRefused(_("Give a valid API token: Authorization: Bearer spr_…"))
    now = utcnow()
    if token.revoked_at is not None:
        raise TokenRefused(_("This API token was revoked."))
    if now >= token.expires_at:
        raise TokenRefused(_("This API token has expired."))
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_STEP:
        token.last_used_at = now  # to the minute: a busy job does not write the token on every request
        db.session.commit()
    return token


def require(token: ApiToken, scope: str, slug: str) -> Processor:
    """The processor named in the URL, if it is the token's (else NotFound) and the token has the scope (else
    ScopeRefused)."""
    processor = db.session.get(Processor, token.processor_id)
    if processor is None or processor.slug != slug:
        raise NotFound(_("No such processor."))
    if scope not in token.scope_list:
        raise ScopeRefused(_("This API token lacks the scope %(scope)s.", scope=scope))
    return processor


def actor_of(token: ApiToken) -> User:
    """Who the API acts as: the token's maker, while that account may still edit the processor."""
    user = db.session.get(User, token.created_by_id)
    if user is None or not user.active or not user.may_edit(token.processor):
        raise TokenRefused(_("The account that made this API token can no longer edit the processor."))
    return user


def fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(f"{method} {path} ".encode() + hashlib.sha256(body).hexdigest().encode()).hexdigest()


class InProgress(DomainError):
    """The same Idempotency-Key is being answered by another request right now: the API answers 409."""


def claim(token: ApiToken, key: str, print_: str) -> IdempotencyRecord | None:
    """Take the key for this request before doing anything: None when it is taken now (do the request, then
    `finish` or `release`); the kept answer when the same request was answered before. DomainError for the key
    with another request; InProgress while a twin request holds it (the unique key decides between them)."""
    if not key or len(key) > MAX_KEY:
        raise DomainError(_("An Idempotency-Key has 1 to %(max)s characters.", max=MAX_KEY), "Idempotency-Key")
    # A key is kept for KEPT_HOURS (as the payment APIs that made the header common do): older answers go, and
    # their keys may be used anew.
    db.session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.token_id == token.id,
            IdempotencyRecord.created_at < utcnow() - timedelta(hours=KEPT_HOURS),
            IdempotencyRecord.status != 0,
        )
    )
    for _attempt in range(2):
        record = db.session.scalar(select(IdempotencyRecord).filter_by(token_id=token.id, key=key))
        if record is not None:
            if record.fingerprint != print_:
                raise DomainError(
                    _("This Idempotency-Key was used for another request; use a new key for a new request."),
                    "Idempotency-Key",
                )
            if record.status == 0:
                break
            return record
        db.session.add(
            IdempotencyRecord(token_id=token.id, key=key, fingerprint=print_, status=0, body={}, created_at=utcnow())
        )
        try:
            db.session.commit()
            return None
        except IntegrityError:
            db.session.rollback()
    raise InProgress(_("A request with this Idempotency-Key is still being answered; try again shortly."))


def finish(token: ApiToken, key: str, status: int, body: dict) -> None:
    """Keep the answer for the key taken by `claim`."""
    record = db.session.scalar(select(IdempotencyRecord).filter_by(token_id=token.id, key=key))
    record.status, record.body = status, body
    db.session.commit()


def release(token: ApiToken, key: str) -> None:
    """Give the key back after the request failed (nothing was done): the same request may be tried again."""
    db.session.rollback()
    record = db.session.scalar(select(IdempotencyRecord).filter_by(token_id=token.id, key=key, status=0))
    if record is not None:
        db.session.delete(record)
        db.session.commit()
