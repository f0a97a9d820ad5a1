"""Inviting by mail: the invitation is recorded (registry.accounts.invitations) and its signed link queued in one
transaction; sending it again gives it a new link."""

from __future__ import annotations

from registry.accounts import invitations
from registry.extensions import db
from registry.mail import composing, outbox
from registry.mail.links import Place, url
from registry.models import LANGUAGES, Invitation, Processor, User
from registry.storage.transactions import one_transaction


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


def _queue(invitation: Invitation, inviter: User, language: str | None) -> None:
    """The invitation's mail with its current link, in `language` (English when not one the portal has)."""
    body = composing.body(
        "invitation",
        language if language in LANGUAGES else "en",
        email=invitation.email,
        processor=invitation.processor.name,
        inviter=inviter.email,
        days=invitations.INVITATION_DAYS,
        accept_url=url(Place.INVITATION, signed=invitations.invitation_token(invitation)),
    )
    outbox.queue_one("invitation", invitation.email, body, f"invitation:{invitation.id}:{invitation.nonce}")
