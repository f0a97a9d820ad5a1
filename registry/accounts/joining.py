"""Accepting an invitation: the invitee chooses a password and a new account is made, an editor of the processor
or a user of the organisation invited to; one of two uses of one link wins."""

from __future__ import annotations

from sqlalchemy import select

from registry.accounts import invitations, passwords
from registry.audit import trail
from registry.exceptions import DomainError
from registry.extensions import db
from registry.models import Invitation, User
from registry.models.types import utcnow
from registry.storage.transactions import one_transaction
from registry.text import _


def _locked(signed: str) -> Invitation:
    """The pending invitation of the link, re-read under its lock (of two uses at once, the second waits here and
    then finds it accepted)."""
    invitation = invitations.open_invitation(signed)
    db.session.execute(select(Invitation.id).where(Invitation.id == invitation.id).with_for_update())
    db.session.refresh(invitation)
    return invitations.open_invitation(signed)


def _accepted(user: User, invitation: Invitation) -> None:
    invitation.accepted_at = utcnow()
    db.session.flush()
    if invitation.role == "editor":
        summary = _(
            "%(email)s accepted the invitation and became an editor of %(name)s",
            email=user.email,
            name=invitation.processor.name,
        )
    else:
        summary = _(
            "%(email)s accepted the invitation and became a user of %(name)s",
            email=user.email,
            name=invitation.organisation.name,
        )
    trail.record(user, "invitation.accept", invitation, summary, processor_id=invitation.processor_id)


@one_transaction
def accept(signed: str, new: str, repeated: str) -> User:
    """Create the invitee's account with the password chosen, once: an editor of the invitation's processor, or a
    controller user of its organisation."""
    invitation = _locked(signed)
    passwords.check(new, "new_password", passwords.words_of(invitation.email))
    if new != repeated:
        raise DomainError(_("The two new passwords differ."), "repeat_password")
    invitations.refuse_existing_account(invitation.email)
    user = User(email=invitation.email, role=invitation.role)
    if invitation.role == "editor":
        user.processor_id = invitation.processor_id
    else:
        user.organisation_id = invitation.organisation_id
    user.set_password(new)
    db.session.add(user)
    _accepted(user, invitation)
    db.session.commit()
    return user
