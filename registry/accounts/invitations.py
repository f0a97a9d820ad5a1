"""Invitations of processor editors and controller users: recorded with a nonce that the mailed, signed link names,
so that the link works once, for a week, and not after it is revoked or sent again. Accepting is in joining.py.
(The mail is queued by registry.mail.invitations, which may import this area; this area may not import mail.)"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select

from registry.accounts import users
from registry.audit import trail
from registry.exceptions import DomainError, NotFound
from registry.extensions import db
from registry.models import CustomerContract, Invitation, Processor, User
from registry.models.types import utcnow
from registry.storage.transactions import one_transaction
from registry.text import _

INVITATION_DAYS = 7


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="invitation")


def invitation_token(invitation: Invitation) -> str:
    """The signed part of an invitation link: which invitation, and its nonce (a revoked or used one fails)."""
    return _serializer().dumps({"id": invitation.id, "nonce": invitation.nonce})


def account_of(address: str) -> User | None:
    """The account with this address (in any case), if there is one: it accepts an invitation by logging in."""
    return db.session.scalar(select(User).where(func.lower(User.email) == address.lower()))


def record_invitation(actor: User, email: str, role: str, summary, **where) -> Invitation:
    """A new pending invitation of `email` to the processor or organisation named in `where`, with its
    audit entry; refused while the address has a pending invitation to the same."""
    address = users.normalise_email(email)
    # One pending invitation per address and processor (an editor's) or organisation (a controller user's).
    scope = {"organisation_id": where["organisation_id"]} if role == "controller" else where
    pending = (
        select(Invitation)
        .filter_by(**scope)
        .where(
            func.lower(Invitation.email) == address,
            Invitation.role == role,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
    )
    if db.session.scalar(pending) is not None:
        raise DomainError(
            _("%(email)s has a pending invitation already; revoke it to send a new one.", email=address), "email"
        )
    now = utcnow()
    invitation = Invitation(
        email=address,
        role=role,
        invited_by_id=actor.id,
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
        nonce=secrets.token_urlsafe(32),
        **where,
    )
    db.session.add(invitation)
    db.session.flush()
    trail.record(actor, "invitation.create", invitation, summary(address), processor_id=where.get("processor_id"))
    return invitation


def new_invitation(actor: User, processor: Processor, email: str) -> Invitation:
    """Record an invitation to become an editor of `processor`, with its audit entry; the caller queues the mail
    and commits. Only the site admin and the processor's own editors invite."""
    if not actor.may_edit(processor):
        raise NotFound(_("No such processor."))

    def summary(address: str):
        return _("Invited %(email)s as an editor of %(name)s", email=address, name=processor.name)

    return record_invitation(actor, email, "editor", summary, processor_id=processor.id)


def new_controller_invitation(actor: User, contract: CustomerContract, email: str) -> Invitation:
    """Record an invitation to become a user of the organisation of `contract`, from the contract's processor; the
    caller queues the mail and commits. Only the site admin and that processor's editors invite; for anyone else
    the contract does not exist."""
    processor = contract.processor
    if not actor.may_edit(processor):
        raise NotFound(_("No such contract."))
    organisation = contract.organisation

    def summary(address: str):
        return _(
            "Invited %(email)s as a user of %(organisation)s (contract %(ref)s)",
            email=address,
            organisation=organisation.name,
            ref=contract.reference,
        )

    return record_invitation(
        actor, email, "controller", summary, processor_id=processor.id, organisation_id=organisation.id
    )


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


def _of_processor(actor: User, processor: Processor, invitation_id: int) -> Invitation:
    """One of the invitations made at `processor` (its editors' and the controller users' invited from its
    contracts), locked; NotFound for another's, or for an actor who may not edit the processor."""
    invitation = db.session.get(Invitation, invitation_id, with_for_update=True)
    if invitation is None or invitation.processor_id != processor.id or not actor.may_edit(processor):
        raise NotFound(_("No such invitation at %(name)s.", name=processor.name))
    return invitation


@one_transaction
def revoke(actor: User, processor: Processor, invitation_id: int) -> Invitation:
    """Withdraw a pending invitation of `processor`; its link stops working at once."""
    invitation = _of_processor(actor, processor, invitation_id)
    withdraw(actor, invitation)
    db.session.commit()
    return invitation


def withdraw(actor: User, invitation: Invitation) -> None:
    if invitation.state(utcnow()) != "pending":
        raise DomainError(_("Only a pending invitation can be revoked."))
    invitation.revoked_at = utcnow()
    trail.record(
        actor,
        "invitation.revoke",
        invitation,
        _("Revoked the invitation of %(email)s", email=invitation.email),
        processor_id=invitation.processor_id,
    )


def renew(actor: User, processor: Processor, invitation_id: int) -> Invitation:
    """Give a pending or expired invitation of `processor` a new nonce and a new week: the link mailed before stops
    working, the caller mails the new one and commits. An accepted or revoked invitation stays as it is."""
    return renew_link(actor, _of_processor(actor, processor, invitation_id))


def renew_link(actor: User, invitation: Invitation) -> Invitation:
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


def invitations_for(organisation_id: int, processor: Processor | None = None) -> list[Invitation]:
    """The invitations of users of an organisation (those made at `processor` only, when given), newest first."""
    query = select(Invitation).filter_by(organisation_id=organisation_id)
    if processor is not None:
        query = query.filter_by(processor_id=processor.id)
    return list(db.session.scalars(query.order_by(Invitation.created_at.desc(), Invitation.id.desc())))
