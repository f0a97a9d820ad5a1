"""Inviting by mail: the invitation is recorded (registry.accounts.invitations) and its signed link queued in one
transaction; sending it again gives it a new link."""

from __future__ import annotations

from sqlalchemy import select

from registry.accounts import colleagues, invitations
from registry.audit import trail
from registry.exceptions import DomainError
from registry.extensions import db
from registry.law.periods import local_day
from registry.mail import composing, outbox
from registry.mail.links import Place, url
from registry.models import LANGUAGES, CustomerContract, Invitation, OutboxMessage, Processor, User
from registry.models.types import utcnow
from registry.storage.transactions import one_transaction
from registry.subprocessors import onboarding
from registry.text import _


@one_transaction
def invite(actor: User, processor: Processor, email: str, language: str) -> Invitation:
    """Invite `email` to become an editor of `processor`; the mail is in the inviter's language (or the reader's)."""
    invitation = invitations.new_invitation(actor, processor, email)
    _queue(invitation, actor, actor.language or language)
    db.session.commit()
    return invitation


@one_transaction
def resend(actor: User, processor: Processor, invitation_id: int, language: str) -> Invitation:
    """Mail a pending or expired invitation of `processor` again with a new link (the old one stops working)."""
    invitation = invitations.renew(actor, processor, invitation_id)
    _queue(invitation, actor, actor.language or language)
    db.session.commit()
    return invitation


@one_transaction
def onboard(actor: User, values: dict, first_editor: str | None, language: str) -> Processor:
    """The site admin adds a processor and, when an address is given, invites its first editor in the same
    transaction: a refused address stores no processor either."""
    processor = onboarding.new_processor(actor, values)
    if first_editor:
        try:
            invitation = invitations.new_invitation(actor, processor, first_editor)
        except DomainError as error:
            raise DomainError(error.message, "first_editor") from error
        _queue(invitation, actor, actor.language or language)
    db.session.commit()
    return processor


@one_transaction
def invite_colleague(actor: User, email: str, language: str) -> Invitation:
    """A controller user invites `email` to its own organisation; the mail is in the inviter's language (or the
    reader's)."""
    invitation = colleagues.new_colleague_invitation(actor, email)
    _queue(invitation, actor, actor.language or language)
    db.session.commit()
    return invitation


@one_transaction
def resend_to_colleague(actor: User, invitation_id: int, language: str) -> Invitation:
    """Mail a pending or expired invitation to the actor's organisation again, with a new link."""
    invitation = colleagues.renew(actor, invitation_id)
    _queue(invitation, actor, actor.language or language)
    db.session.commit()
    return invitation


@one_transaction
def invite_controller(actor: User, contract: CustomerContract, email: str) -> Invitation:
    """Invite `email` to become a user of the organisation of `contract` (its privacy officer, typically), from the
    contract's processor; the mail is in the contract's notice language. A DomainError for a bad address or one
    with a pending invitation to the organisation already; NotFound for a contract the actor may not edit (another
    processor's). Also called per row by the bulk import of contracts."""
    invitation = queue_controller_invitation(actor, contract, email)
    db.session.commit()
    return invitation


def invite_officers(actor: User, officers: list[tuple[CustomerContract, str]]) -> tuple[list[Invitation], list]:
    """Invite the privacy officers a contract import named, each in a transaction of its own, so that one refused
    address does not hold back the others: the invitations made, and (address, reason) for each left out (a user
    of that organisation already, a pending invitation, a bad address). An address named for several contracts
    of one organisation is invited once."""
    made, left_out, seen = [], [], set()
    for contract, email in officers:
        key = (contract.organisation_id, email.strip().lower())
        if key in seen:
            continue
        seen.add(key)
        account = invitations.account_of(key[1])
        if account is not None and account.organisation_id == contract.organisation_id:
            left_out.append((email, _("a user of %(organisation)s already", organisation=contract.organisation.name)))
            continue
        try:
            made.append(invite_controller(actor, contract, email))
        except DomainError as error:
            left_out.append((email, error.message))
    return made, left_out


def queue_controller_invitation(actor: User, contract: CustomerContract, email: str) -> Invitation:
    """As invite_controller, in the caller's transaction (an import that stores all its rows or none); the caller
    commits, or rolls back on the DomainError or NotFound this raises."""
    invitation = invitations.new_controller_invitation(actor, contract, email)
    _queue(invitation, actor, contract.notice_language)
    return invitation


def _queue(invitation: Invitation, inviter: User, language: str | None) -> None:
    """The invitation's mail with its current link, in `language` (English when not one the portal has)."""
    body = composing.body(
        "invitation",
        language if language in LANGUAGES else "en",
        email=invitation.email,
        role=invitation.role,
        # A colleague's invitation (or one a colleague sends again) comes from the organisation, not a processor.
        processor=invitation.processor.name if invitation.processor and inviter.role != "controller" else None,
        organisation=invitation.organisation.name if invitation.organisation else None,
        inviter=inviter.email,
        days=invitations.INVITATION_DAYS,
        existing=invitations.account_of(invitation.email) is not None,
        accept_url=url(Place.INVITATION, signed=invitations.invitation_token(invitation)),
    )
    outbox.queue_one("invitation", invitation.email, body, f"invitation:{invitation.id}:{invitation.nonce}")


@one_transaction
def ask_again(signed: str, language: str) -> Invitation:
    """From a link that no longer works (used, revoked, expired, replaced): tell the person who invited, in their
    language (else the reader's), who asks for a new invitation and where to send one. Once per invitation per day
    (Europe/Amsterdam); a malformed link, or one that still works, is refused."""
    invitation = invitations.unusable_invitation(signed)
    db.session.execute(select(Invitation.id).where(Invitation.id == invitation.id).with_for_update())
    inviter = invitation.invited_by
    key = f"invitation_request:{invitation.id}:{local_day(utcnow()).isoformat()}"
    if db.session.scalar(select(OutboxMessage.id).filter_by(dedupe_key=key)) is not None:
        raise DomainError(
            _("You asked for a new invitation today already; %(email)s has been told.", email=inviter.email)
        )
    if not inviter.active:
        raise DomainError(
            _(
                "The account of %(email)s, who invited you, is disabled, so no mail was sent; ask your contact "
                "there directly.",
                email=inviter.email,
            )
        )
    wanted = inviter.language or language
    body = composing.body(
        "invitation_request",
        wanted if wanted in LANGUAGES else "en",
        email=invitation.email,
        inviter=inviter.email,
        invited_on=local_day(invitation.created_at),
        where=invitation.organisation.name if invitation.role == "controller" else invitation.processor.name,
        users_url=_users_page(invitation),
    )
    outbox.queue_one("invitation_request", inviter.email, body, key)
    trail.record(
        invitation.email,
        "invitation.ask",
        invitation,
        _("%(email)s asked %(inviter)s for a new invitation", email=invitation.email, inviter=inviter.email),
        processor_id=invitation.processor_id,
    )
    db.session.commit()
    return invitation


def _users_page(invitation: Invitation) -> str:
    """Where the inviter sends an invitation again: the processor's accounts page, or the organisation's colleagues."""
    if invitation.processor is not None and invitation.invited_by.role != "controller":
        return url(Place.PROCESSOR_USERS, slug=invitation.processor.slug)
    return url(Place.COLLEAGUES)
