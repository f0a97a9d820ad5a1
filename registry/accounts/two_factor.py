"""Two-factor sign-in: a time-based code (RFC 6238, pyotp) from an authenticator app, or one of ten recovery codes.

The secret is kept sealed (Fernet, with a key derived from SECRET_KEY), so that a copy of the database alone does
not give the codes; changing SECRET_KEY makes it unreadable and the operator resets the account's 2FA. A code is
taken once: the last accepted time step is kept, and a code of that step or an earlier one is refused. The clock is
the app's (utcnow), passed to pyotp explicitly."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

import pyotp
from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from registry.accounts import users
from registry.audit import trail
from registry.exceptions import DomainError
from registry.extensions import db
from registry.models import RecoveryCode, User
from registry.models.types import utcnow
from registry.models.user import new_session_token
from registry.storage.locks import locked
from registry.storage.transactions import one_transaction
from registry.text import _

ISSUER = "Sub-processor Registry"
RECOVERY_CODES = 10
# A code of the previous or the next 30-second window is accepted too (a phone's clock a little off, a slow typist).
VALID_WINDOW = 1
# Lower-case letters and digits without the ones that read alike (0/o, 1/l/i).
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _fernet() -> Fernet:
    digest = hashlib.sha256(("two-factor:" + current_app.config["SECRET_KEY"]).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(secret: str) -> str:
    """The secret as stored (and as carried in the set-up session): encrypted and authenticated."""
    return _fernet().encrypt(secret.encode()).decode("ascii")


def unseal(sealed: str | None) -> str | None:
    """The secret, or None when it is missing or was sealed with another SECRET_KEY."""
    if not sealed:
        return None
    try:
        return _fernet().decrypt(sealed.encode("ascii")).decode()
    except (InvalidToken, ValueError):
        return None


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(email: str, secret: str) -> str:
    """The otpauth:// link an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def _digits(code: str) -> str:
    return "".join((code or "").split())


def _accepted_step(secret: str, code: str, after: int | None) -> int | None:
    """The time step (now, or one window either side) whose code this is, when it is later than `after`."""
    totp, code = pyotp.TOTP(secret), _digits(code)
    if not (code.isascii() and code.isdigit() and len(code) == totp.digits):
        return None
    now = totp.timecode(utcnow())
    for step in range(now - VALID_WINDOW, now + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code) and (after is None or step > after):
            return step
    return None


def _check_code(user: User, code: str, field: str = "code") -> None:
    """Take a current code of the account's app once, or refuse it (DomainError on `field`)."""
    step = _accepted_step(unseal(user.totp_secret) or "", code, user.totp_last_step)
    if step is None:
        raise DomainError(
            _("That code is not right, or it was used already. Enter the code your authenticator app shows now."),
            field,
        )
    user.totp_last_step = step


def _normal_recovery_code(code: str) -> str:
    return "".join(c for c in (code or "").lower() if c.isalnum())


def _new_recovery_codes(user: User) -> list[str]:
    """Ten fresh codes in place of any earlier ones; the plain codes are returned to be shown once."""
    for old in db.session.scalars(select(RecoveryCode).filter_by(user_id=user.id)):
        db.session.delete(old)
    codes = []
    method = current_app.config["PASSWORD_HASH_METHOD"]
    for _n in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _i in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=generate_password_hash(raw, method)))
    return codes


def _spend_recovery_code(user: User, code: str) -> bool:
    """Mark the matching unused recovery code as used; False when none matches."""
    typed = _normal_recovery_code(code)
    if len(typed) != 10:
        return False
    unused = db.session.scalars(
        select(RecoveryCode).filter_by(user_id=user.id, used_at=None).order_by(RecoveryCode.id).with_for_update()
    )
    for stored in unused:
        if check_password_hash(stored.code_hash, typed):
            stored.used_at = utcnow()
            return True
    return False


def recovery_codes_left(user: User) -> int:
    return len(db.session.scalars(select(RecoveryCode.id).filter_by(user_id=user.id, used_at=None)).all())


def _check_password(user: User, password: str) -> None:
    if not user.check_password(password or ""):
        raise DomainError(_("That is not your password."), "password")


def _check_code_or_recovery(user: User, code: str) -> None:
    """A current code of the app, or (for an account whose phone is lost) an unused recovery code, which is spent."""
    if len(_digits(code)) == 6:
        _check_code(user, code)
    elif not _spend_recovery_code(user, code):
        raise DomainError(
            _("That is neither a current code of your authenticator app nor an unused recovery code."), "code"
        )
    else:
        _record(user, "2fa.recovery_code_used", _("%(email)s used a recovery code", email=user.email))


def _record(user: User, action: str, summary, actor: User | str | None = None) -> None:
    trail.record(actor or user, action, user, summary, processor_id=user.processor_id)


@one_transaction
def enable(user: User, sealed_secret: str | None, code: str) -> list[str]:
    """Turn 2FA on with the secret shown at set-up, once a current code of it is typed; the ten recovery codes."""
    user = locked(User, user.id)
    if user.has_two_factor:
        raise DomainError(_("Two-factor sign-in is on already."), "code")
    secret = unseal(sealed_secret)
    if secret is None:
        raise DomainError(_("The set-up has expired. Scan the new QR code and enter its code."), "code")
    step = _accepted_step(secret, code, None)
    if step is None:
        raise DomainError(
            _("That code is not right. Enter the six digits your authenticator app shows now for this account."),
            "code",
        )
    user.totp_secret, user.totp_enabled_at, user.totp_last_step = seal(secret), utcnow(), step
    codes = _new_recovery_codes(user)
    _record(user, "2fa.enable", _("%(email)s turned on two-factor sign-in", email=user.email))
    db.session.commit()
    return codes


def _clear(user: User) -> None:
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    for old in db.session.scalars(select(RecoveryCode).filter_by(user_id=user.id)):
        db.session.delete(old)


@one_transaction
def disable(user: User, password: str, code: str) -> None:
    """Turn 2FA off: the password and a current code (or a recovery code) say it is the account's holder."""
    user = locked(User, user.id)
    if not user.has_two_factor:
        raise DomainError(_("Two-factor sign-in is off already."), "code")
    _check_password(user, password)
    _check_code_or_recovery(user, code)
    _clear(user)
    _record(user, "2fa.disable", _("%(email)s turned off two-factor sign-in", email=user.email))
    db.session.commit()


@one_transaction
def regenerate_recovery_codes(user: User, password: str, code: str) -> list[str]:
    """Ten new recovery codes in place of the old ones (all of which stop working)."""
    user = locked(User, user.id)
    if not user.has_two_factor:
        raise DomainError(_("Turn on two-factor sign-in first."), "code")
    _check_password(user, password)
    _check_code_or_recovery(user, code)
    codes = _new_recovery_codes(user)
    _record(user, "2fa.recovery_codes", _("%(email)s made new recovery codes", email=user.email))
    db.session.commit()
    return codes


@one_transaction
def complete_login(user_id: int, session_token: str, code: str) -> User:
    """The second step of logging in: a current code or an unused recovery code; the log-in time is noted.

    `session_token` is the one the password step saw: if the password changed or the account was disabled
    since, the pending log-in is void."""
    user = locked(User, user_id)
    if user is None or not user.active or user.session_token != session_token or not user.has_two_factor:
        raise DomainError(_("This log-in can no longer be completed. Log in again."))
    _check_code_or_recovery(user, code)
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def must_set_up(user: User, required: bool) -> bool:
    """Whether the account must turn 2FA on before anything else: site admins and editors when it is required."""
    return required and user.role in ("admin", "editor") and not user.has_two_factor


@one_transaction
def reset_by_operator(email: str, actor: User | str = "cli") -> User:
    """An operator turns 2FA off for an account whose phone is lost (it then sets 2FA up again at its next log-in
    when it is required); every session of the account ends."""
    user = users.by_email(email)
    user = locked(User, user.id)
    if not user.has_two_factor:
        raise DomainError(_("Two-factor sign-in is not on for %(email)s.", email=user.email), "email")
    _clear(user)
    user.session_token = new_session_token()
    _record(
        user,
        "2fa.reset",
        _("Two-factor sign-in of %(email)s was reset by an operator (every session ended)", email=user.email),
        actor,
    )
    db.session.commit()
    return user
