"""Creating accounts and checking credentials."""

from __future__ import annotations

import secrets
from functools import cache

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from registry.accounts import passwords, standing
from registry.audit import trail
from registry.exceptions import DomainError
from registry.extensions import db
from registry.models import ROLES, Organisation, Processor, User
from registry.models.types import utcnow
from registry.models.user import new_session_token
from registry.storage.transactions import one_transaction
from registry.text import _

# A role as the audit log names it, in the reader's language.
ROLE_WORDS = {"admin": _("site admin"), "editor": _("processor editor"), "controller": _("controller user")}

MIN_PASSWORD_LENGTH = passwords.MIN_LENGTH


def normalise_email(raw: str) -> str:
    """A valid address that the mail path can deliver, in canonical form (a domain in its ASCII, punycode
    form: bücher.example becomes xn--bcher-kva.example), or DomainError.

    An address with non-ASCII characters before the @ needs SMTPUTF8 from every mail server on the way;
    the outbox cannot know that, so such an address is refused here rather than failing in the outbox."""
    if "\r" in raw or "\n" in raw:
        raise DomainError(_("An e-mail address cannot contain line breaks."), "email")
    local = raw.strip().rpartition("@")[0]
    if not local.isascii():
        characters = "".join(dict.fromkeys(c for c in local if not c.isascii()))
        raise DomainError(
            _(
                "Mail to an address with ‘%(characters)s’ before the @ cannot be delivered from this "
                "portal. Give an address with only unaccented letters, digits and . _ - + before "
                "the @.",
                characters=characters,
            ),
            "email",
        )
    try:
        valid = validate_email(raw.strip(), check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        raise DomainError(_("Not a valid e-mail address: %(exc)s", exc=exc), "email") from exc
    return valid.ascii_email.lower()


def _bind(user_role: str, org_slug: str | None) -> dict:
    if user_role not in ROLES:
        raise DomainError(
            _("Unknown role '%(user_role)s'; choose one of: %(items)s.", user_role=user_role, items=", ".join(ROLES)),
            "role",
        )
    if user_role == "admin":
        if org_slug:
            raise DomainError(_("A site admin is not bound to an organisation; leave out --org."), "org")
        return {}
    if not org_slug:
        raise DomainError(_("A %(value)s needs --org.", value=ROLES[user_role].lower()), "org")
    if user_role == "editor":
        processor = db.session.scalar(select(Processor).filter_by(slug=org_slug))
        if processor is None:
            raise DomainError(_("No processor '%(org_slug)s'.", org_slug=org_slug), "org")
        return {"processor_id": processor.id}
    organisation = db.session.scalar(select(Organisation).filter_by(slug=org_slug))
    if organisation is None:
        raise DomainError(_("No controller organisation '%(org_slug)s'.", org_slug=org_slug), "org")
    return {"organisation_id": organisation.id}


def create_user(email: str, role: str, org_slug: str | None, password: str, actor: User | str = "cli") -> User:
    """Create an account bound to its processor or organisation."""
    address = normalise_email(email)
    binding = _bind(role, org_slug)
    passwords.check(password, "password", passwords.words_of(address))
    if db.session.scalar(select(User).where(func.lower(User.email) == address)):
        raise DomainError(_("An account for %(address)s exists already.", address=address), "email")
    user = User(email=address, role=role, **binding)
    user.set_password(password)
    db.session.add(user)
    trail.record(
        actor,
        "user.create",
        user,
        _("Created account %(email)s (%(role)s)", email=address, role=ROLE_WORDS.get(role, role)),
        processor_id=binding.get("processor_id"),
    )
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None (same answer for every failure)."""
    try:
        address = normalise_email(email)
    except DomainError:
        address = None
    user = db.session.scalar(select(User).where(func.lower(User.email) == address)) if address else None
    if user is None or not user.active:
        # Spend the same time as a real check so that timing does not reveal accounts.
        _dummy_check(password)
        return None
    return user if user.check_password(password) else None


@cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(8))


def _dummy_check(password: str) -> None:
    check_password_hash(_dummy_hash(), password)


def record_login(user: User) -> None:
    """Note when the account last completed a log-in (the operator's `users list` shows it)."""
    user.last_login_at = utcnow()
    db.session.commit()


def generated_password() -> str:
    """A random password that meets the rules for new passwords (the demo accounts get one)."""
    return passwords.generated()


def end_sessions(user: User) -> None:
    """Log the account out everywhere: every session and remember-me cookie names the old token."""
    user.session_token = new_session_token()
    trail.record(
        user,
        "user.logout",
        user,
        _("%(email)s logged out (every session ended)", email=user.email),
        processor_id=user.processor_id,
    )
    db.session.commit()


@one_transaction
def change_password(user: User, current: str, new: str, repeated: str) -> None:
    """A new password; every other session of the account ends (the session token changes with it)."""
    if not user.check_password(current or ""):
        raise DomainError(_("That is not your current password."), "current_password")
    passwords.check(new, "new_password", passwords.words_of(user.email))
    if new != repeated:
        raise DomainError(_("The two new passwords differ."), "repeat_password")
    user.set_password(new)
    trail.record(
        user,
        "user.password",
        user,
        _("%(email)s changed the password (other sessions ended)", email=user.email),
        processor_id=user.processor_id,
    )
    db.session.commit()


def set_language(user: User, language: str) -> None:
    """The language the account reads the site in (the switch on every page sets it)."""
    if user.language != language:
        user.language = language
        db.session.commit()


def by_email(email: str) -> User:
    """The account with this address (any case), or DomainError naming the address."""
    address = normalise_email(email)
    user = db.session.scalar(select(User).where(func.lower(User.email) == address))
    if user is None:
        raise DomainError(_("No account for %(address)s.", address=address), "email")
    return user


def every_user() -> list[User]:
    """Every account, site admins first, then by processor or organisation and address (for the operator's list)."""
    order = {role: n for n, role in enumerate(ROLES)}
    found = db.session.scalars(select(User)).all()
    return sorted(found, key=lambda u: (order.get(u.role, len(order)), bound_to(u), u.email))


def bound_to(user: User) -> str:
    """The slug of the processor or organisation the account belongs to; empty for a site admin."""
    if user.processor is not None:
        return user.processor.slug
    return user.organisation.slug if user.organisation is not None else ""


@one_transaction
def disable(email: str, actor: User | str = "cli") -> User:
    """The account can no longer log in; every session of it ends. Disabling it again changes nothing."""
    user = by_email(email)
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    db.session.refresh(user)
    standing.change_standing(actor, user, False)
    db.session.commit()
    return user


@one_transaction
def reset_password_by_operator(email: str, new: str, actor: User | str = "cli") -> User:
    """An operator sets a new password (under the same rule as the user's own); every session of the account ends."""
    user = by_email(email)
    passwords.check(new, "password", passwords.words_of(user.email))
    user.set_password(new)
    trail.record(
        actor,
        "user.password_reset",
        user,
        _("The password of %(email)s was reset by an operator (every session ended)", email=user.email),
        processor_id=user.processor_id,
    )
    db.session.commit()
    return user
