"""Resetting a forgotten password by a mailed link: signed, valid for an hour, and used once (it names a fingerprint
of the password it replaces, so it stops working as soon as the password changes, by this link or otherwise)."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from registry.accounts import passwords, users
from registry.audit import trail
from registry.exceptions import DomainError
from registry.extensions import db
from registry.mail import composing, outbox
from registry.mail.links import Place, url
from registry.models import LANGUAGES, User
from registry.models.mail import new_token
from registry.storage.transactions import one_transaction
from registry.text import _

RESET_MINUTES = 60


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _fingerprint(user: User) -> str:
    """Names the current password without showing anything of its hash (the signed link is readable)."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, user.password_hash.encode(), hashlib.sha256).hexdigest()[:32]


def reset_token(user: User) -> str:
    """The signed part of a reset link: the account and the fingerprint of the password it may replace."""
    return _serializer().dumps({"id": user.id, "password": _fingerprint(user)})


@one_transaction
def request_reset(email: str, language: str) -> None:
    """Queue a reset link for an active account with this address; do nothing, and say nothing, for any other
    address (the caller shows the same answer). `language`: the reader's, for an account that chose none."""
    address = users.normalise_email(email)
    user = db.session.scalar(select(User).where(func.lower(User.email) == address))
    if user is None or not user.active:
        return
    language = user.language or (language if language in LANGUAGES else "en")
    body = composing.body(
        "password_reset",
        language,
        email=user.email,
        minutes=RESET_MINUTES,
        reset_url=url(Place.PASSWORD_RESET, signed=reset_token(user)),
    )
    # A fresh key per request: asking again sends again (the rate limit keeps that in bounds).
    outbox.queue_one("password_reset", user.email, body, f"password_reset:{user.id}:{new_token()}")
    trail.record(
        "web",
        "user.password_reset_requested",
        user,
        _("A password reset link was sent to %(email)s", email=user.email),
        processor_id=user.processor_id,
    )
    db.session.commit()


def resettable(signed: str) -> User:
    """The active account whose password this link may still replace; a clear error for any other link."""
    try:
        data = _serializer().loads(signed, max_age=RESET_MINUTES * 60)
    except SignatureExpired as error:
        raise DomainError(
            _(
                "This link to choose a new password has expired (it works for %(minutes)s minutes). Ask for a "
                "new link.",
                minutes=RESET_MINUTES,
            )
        ) from error
    except BadSignature as error:
        raise DomainError(
            _("This link to choose a new password is not valid. Copy the whole link from the mail.")
        ) from error
    user = db.session.get(User, data["id"]) if isinstance(data, dict) and isinstance(data.get("id"), int) else None
    fingerprint = data.get("password") if isinstance(data, dict) else None
    if (
        user is None
        or not user.active
        or not isinstance(fingerprint, str)
        or not hmac.compare_digest(_fingerprint(user), fingerprint)
    ):
        raise DomainError(
            _(
                "This link to choose a new password was used already or is no longer valid (the password was "
                "changed since it was sent). Ask for a new link."
            )
        )
    return user


@one_transaction
def reset_password(signed: str, new: str, repeated: str) -> User:
    """Set the new password from a reset link, once; every session of the account ends (the session token changes)."""
    user = resettable(signed)
    # Re-read under a row lock: of two uses of one link, one wins and the other finds the password changed.
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    db.session.refresh(user)
    resettable(signed)
    passwords.check(new, "new_password", passwords.words_of(user.email))
    if new != repeated:
        raise DomainError(_("The two new passwords differ."), "repeat_password")
    user.set_password(new)
    trail.record(
        user,
        "user.password_reset",
        user,
        _("%(email)s chose a new password by a reset link (every session ended)", email=user.email),
        processor_id=user.processor_id,
    )
    db.session.commit()
    return user
