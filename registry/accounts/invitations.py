"""Invitations of processor editors: recorded with a nonce that the mailed, signed link names, so that the link
works once, for a week, and not after it is revoked. Accepting creates the editor's account. (The mail is queued
by registry.mail.invitations, which may import this area; this area may not import mail.)"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select

from registry.accounts import passwords, users
from registry.audit import trail
from registry.exceptions import DomainError, NotFound
from registry.extensions import db
from registry.models import Invitation, Processor, User
from registry.models.types import utcnow
from registry.storage.transactions import one_transaction
from registry.text import _

INVITATION_DAYS = 7


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="invitation")


def invitation_token(invitation: Invitation) -> str:
    """The signed part of an invitation link: which invitation, and its nonce (a revoked or used one fails)."""
    return _serializer().dumps({"id": invitation.id, "nonce": invitation.nonce})


def _account_exists(address: str) -> bool:
    return db.session.scalar(select(User.id).where(func.lower(User.email) == address)) is not None


def _refuse_existing_account(address: str) -> None:
    if _account_exists(address):
        raise DomainError(
            _(
                "An account for %(email)s exists already. Inviting an existing account is not possible yet; "
                "ask the site admin.",
                email=address,
            ),
            "email",
        )


def new_invitation(actor: User, processor: Processor, email: str) -> Invitation:
    """Record an invitation to become an editor of `processor`, with its audit entry; the caller queues the mail
    and commits. Only the site admin and the processor's own editors invite."""
    if not actor.may_edit(processor):
        raise NotFound(_("No such processor."))
    address = users.normalise_email(email)
    _refuse_existing_account(address)
    pending = select(Invitation).where(
        func.lower(Invitation.email) == address,
        Invitation.processor_id == processor.id,
        Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None),
        Invitation.expires_at > utcnow(),
    )
    if db.session.scalar(pending) is not None:
        raise DomainError(
            _("%(email)s has a pending invitation already; revoke it to send a new one.", email=address), "email"
        )
    now = utcnow()
    invitation = Invitation(
        email=address,
        processor_id=processor.id,
        role="editor",
        invited_by_id=actor.id,
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
        nonce=secrets.token_urlsafe(32),
    )
    db.session.add(invitation)
    db.session.flush()
    trail.record(
        actor,
        "invitation.create",
        invitation,
        _("Invited %(email)s as an editor of %(name)s", email=address, name=processor.name),
        processor_id=processor.id,
    )
    return invitation


def _expired_error(invitation: Invitation) -> DomainError:
    return DomainError(
        _(
            "This invitation has expired: it worked until %(date)s. Ask the person who invited you for a new one.",
            date=invitation.expires_at.date(),
        )
    )


class Unusable(DomainError):
    """A link with a good signature whose invitation cannot be accepted (used, revoked, expired or replaced by a
    newer link): its page says why and offers to ask the inviter for a new one."""

    def __init__(self, message, invitation: Invitation):
        super().__init__(message)
        self.invitation = invitation


def _malformed() -> DomainError:
    return DomainError(_("This invitation link is not valid. Copy the whole link from the mail."))


def open_invitation(signed: str) -> Invitation:
    """The pending invitation this link names; a clear error saying why for a malformed link (DomainError) and for
    a used, revoked, expired or replaced one (Unusable)."""
    try:
        data = _serializer().loads(signed)
    except BadSignature as error:
        raise _malformed() from error
    found = db.session.get(Invitation, data["id"]) if isinstance(data, dict) and type(data.get("id")) is int else None
    nonce = data.get("nonce") if isinstance(data, dict) else None
    if found is None or not isinstance(nonce, str):
        raise _malformed()
    if not secrets.compare_digest(found.nonce, nonce):
        raise Unusable(
            _("This link was replaced by a newer one: the invitation was sent again. Use the link in the newest mail."),
            found,
        )
    state = found.state(utcnow())
    if state == "accepted":
        raise Unusable(_("This invitation was accepted already. Log in with the password chosen then."), found)
    if state == "revoked":
        raise Unusable(_("This invitation was withdrawn. Ask the person who invited you for a new one."), found)
    if state == "expired":
        raise Unusable(_expired_error(found).message, found)
    return found


def unusable_invitation(signed: str) -> Invitation:
    """The invitation of a link that no longer works (for asking a new one); a DomainError for a malformed link and
    for one that still works."""
    try:
        open_invitation(signed)
    except Unusable as error:
        return error.invitation
    raise DomainError(_("This invitation still works: accept it from its page."))


@one_transaction
def accept(signed: str, new: str, repeated: str) -> User:
    """Create the editor's account with the password chosen, once; of two uses of one link, one wins."""
    invitation = open_invitation(signed)
    db.session.execute(select(Invitation.id).where(Invitation.id == invitation.id).with_for_update())
    db.session.refresh(invitation)
    open_invitation(signed)
    passwords.check(new, "new_password", passwords.words_of(invitation.email))
    if new != repeated:
        raise DomainError(_("The two new passwords differ."), "repeat_password")
    _refuse_existing_account(invitation.email)
    user = User(email=invitation.email, role=invitation.role, processor_id=invitation.processor_id)
    user.set_password(new)
    db.session.add(user)
    invitation.accepted_at = utcnow()
    db.session.flush()
    trail.record(
        user,
        "invitation.accept",
        invitation,
        _(
            "%(email)s accepted the invitation and became an editor of %(name)s",
            email=user.email,
            name=invitation.processor.name,
        ),
        processor_id=invitation.processor_id,
    )
    db.session.commit()
    return user


@one_transaction
def revoke(actor: User, processor: Processor, invitation_id: int) -> Invitation:
    """Withdraw a pending invitation of `processor`; its link stops working at once."""
    invitation = db.session.get(Invitation, invitation_id, with_for_update=True)
    if invitation is None or invitation.processor_id != processor.id or not actor.may_edit(processor):
        raise NotFound(_("No such invitation at %(name)s.", name=processor.name))
    if invitation.state(utcnow()) != "pending":
        raise DomainError(_("Only a pending invitation can be revoked."))
    invitation.revoked_at = utcnow()
    trail.record(
        actor,
        "invitation.revoke",
        invitation,
        _("Revoked the invitation of %(email)s", email=invitation.email),
        processor_id=processor.id,
    )
    db.session.commit()
    return invitation


def renew(actor: User, processor: Processor, invitation_id: int) -> Invitation:
    """Give a pending or expired invitation of `processor` a new nonce and a new week: the link mailed before stops
    working, the caller mails the new one and commits. An accepted or revoked invitation stays as it is."""
    invitation = db.session.get(Invitation, invitation_id, with_for_update=True)
    if invitation is None or invitation.processor_id != processor.id or not actor.may_edit(processor):
        raise NotFound(_("No such invitation at %(name)s.", name=processor.name))
    return _renew(actor, invitation)


def _renew(actor: User, invitation: Invitation) -> Invitation:
    state = invitation.state(utcnow())
    if state == "accepted":
        raise DomainError(_("This invitation was accepted already; there is nothing to send again."))
    if state == "revoked":
        raise DomainError(_("This invitation was revoked; invite the address again instead."))
    now = utcnow()
    invitation.nonce = secrets.token_urlsafe(32)
    invitation.expires_at = now + timedelta(days=INVITATION_DAYS)
    trail.record(
        actor,
        "invitation.resend",
        invitation,
        _("Sent the invitation of %(email)s again, with a new link", email=invitation.email),
        processor_id=invitation.processor_id,
    )
    return invitation


def invitations_of(processor: Processor) -> list[Invitation]:
    """The processor's invitations, newest first."""
    query = select(Invitation).filter_by(processor_id=processor.id).order_by(Invitation.created_at.desc())
    return list(db.session.scalars(query.order_by(Invitation.id.desc())))
