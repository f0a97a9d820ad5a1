"""Inviting an editor by mail: the invitation is recorded (registry.accounts.invitations) and its signed link
queued in one transaction."""

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
    language = actor.language or (language if language in LANGUAGES else "en")
    body = composing.body(
        "invitation",
        language,
        email=invitation.email,
        processor=processor.name,
        inviter=actor.email,
        days=invitations.INVITATION_DAYS,
        accept_url=url(Place.INVITATION, signed=invitations.invitation_token(invitation)),
    )
    outbox.queue_one("invitation", invitation.email, body, f"invitation:{invitation.id}:{invitation.nonce}")
    db.session.commit()
    return invitation
