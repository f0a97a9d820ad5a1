"""Colleagues at a controller organisation: every active controller user of an organisation may invite others to
it, and revoke or re-send the organisation's invitations. The issue's "the first user of an organisation may invite
colleagues" is read as: once an organisation has a user (the first one, invited by a processor), that user and each
colleague after it may invite; no user ranks above another, since each sees and does the same in the portal."""

from __future__ import annotations

from sqlalchemy import select

from registry.accounts import invitations
from registry.exceptions import DomainError, NotFound
from registry.extensions import db
from registry.models import Invitation, User
from registry.storage.transactions import one_transaction
from registry.text import _


def _require_controller(actor: User) -> None:
    if actor.role != "controller" or actor.organisation_id is None or not actor.active:
        raise DomainError(_("Only a user of the organisation invites colleagues to it."))


def colleagues_of(actor: User) -> list[User]:
    """The users of the actor's organisation, active or not, by address."""
    _require_controller(actor)
    query = select(User).filter_by(role="controller", organisation_id=actor.organisation_id).order_by(User.email)
    return list(db.session.scalars(query))


def invitations_of(actor: User) -> list[Invitation]:
    """Every invitation to the actor's organisation (a colleague's and its processors'), newest first."""
    _require_controller(actor)
    return invitations.invitations_for(actor.organisation_id)


def new_colleague_invitation(actor: User, email: str) -> Invitation:
    """Record an invitation of `email` to the actor's organisation, without a processor; the caller mails it."""
    _require_controller(actor)
    organisation = actor.organisation

    def summary(address: str):
        return _("Invited %(email)s as a colleague at %(organisation)s", email=address, organisation=organisation.name)

    return invitations.record_invitation(actor, email, "controller", summary, organisation_id=organisation.id)


def _own(actor: User, invitation_id: int) -> Invitation:
    """An invitation to the actor's organisation, locked; NotFound for another organisation's (or none)."""
    _require_controller(actor)
    invitation = db.session.get(Invitation, invitation_id, with_for_update=True)
    if invitation is None or invitation.organisation_id != actor.organisation_id:
        raise NotFound(_("No such invitation at %(name)s.", name=actor.organisation.name))
    return invitation


@one_transaction
def revoke(actor: User, invitation_id: int) -> Invitation:
    """Withdraw a pending invitation to the actor's organisation; its link stops working at once."""
    invitation = _own(actor, invitation_id)
    invitations.withdraw(actor, invitation)
    db.session.commit()
    return invitation


def renew(actor: User, invitation_id: int) -> Invitation:
    """A pending or expired invitation to the actor's organisation with a new link for a new week; the caller
    mails it and commits."""
    return invitations.renew_link(actor, _own(actor, invitation_id))
