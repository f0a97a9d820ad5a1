"""Accepting an invitation: the invitee chooses a password and a new account is made, an editor of the processor
or a user of the organisation invited to; or an existing account, logged in, joins (see join). One of two uses of
one link wins."""

from __future__ import annotations

from sqlalchemy import select, update

from registry.accounts import invitations, passwords
from registry.audit import trail
from registry.exceptions import DomainError
from registry.extensions import db
from registry.models import ConsentDecision, CustomerContract, Invitation, Objection, Organisation, Termination, User
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
    if invitations.account_of(invitation.email) is not None:  # made since the page was shown: log in instead
        raise DomainError(
            _(
                "An account for %(email)s exists already: log in with it to accept the invitation.",
                email=invitation.email,
            ),
            "new_password",
        )
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


def _is(user: User):
    """What an account is, in words: an account belongs to one processor or one organisation."""
    if user.role == "editor" and user.processor is not None:
        return _("an editor of %(name)s", name=user.processor.name)
    if user.role == "controller" and user.organisation is not None:
        return _("a user of %(name)s", name=user.organisation.name)
    return _("the site admin") if user.is_admin else _("an account without a processor or organisation")


def _refused(user: User, becoming) -> DomainError:
    return DomainError(
        _(
            "An account belongs to one processor or one organisation: %(email)s is %(what)s, so it cannot become "
            "%(becoming)s. Ask the person who invited you to invite another address.",
            email=user.email,
            what=_is(user),
            becoming=becoming,
        )
    )


@one_transaction
def join(user: User, signed: str) -> User:
    """Accept an invitation with the account that is logged in, which must have the invited address and be active.

    An editor's invitation: the account is an editor of no processor or of this one. A controller user's: the account
    is a user of no organisation or of this one (accepted, nothing changes), or of another organisation X while the
    invited one, Y, has no users of its own (typically a second processor added the same customer): Y is merged
    into X, its contracts (with their objections, consent decisions, notices of termination and invitations) become
    X's, and the dashboard shows them together. Anything else is refused: an account belongs to one processor or
    one organisation."""
    invitation = _locked(signed)
    if user.email.lower() != invitation.email.lower():
        raise DomainError(
            _(
                "This invitation is for %(invited)s; you are logged in as %(email)s. Log out and log in as "
                "%(invited)s to accept it.",
                invited=invitation.email,
                email=user.email,
            )
        )
    if not user.active:
        raise DomainError(_("The account %(email)s is disabled; ask the site admin.", email=user.email))
    if invitation.role == "editor":
        if user.role != "editor" or user.processor_id not in (None, invitation.processor_id):
            raise _refused(user, _("an editor of %(name)s", name=invitation.processor.name))
        user.processor_id = invitation.processor_id
    else:
        wanted = invitation.organisation
        if user.role != "controller":
            raise _refused(user, _("a user of %(name)s", name=wanted.name))
        if user.organisation_id not in (None, wanted.id):
            # Locked for update: a colleague's account made in it meanwhile waits, and then finds it gone.
            merged = db.session.get(Organisation, wanted.id, with_for_update=True, populate_existing=True)
            _merge(user, invitation, merged)
        user.organisation_id = user.organisation_id or wanted.id
    _accepted(user, invitation)
    db.session.commit()
    return user


def _merge(user: User, invitation: Invitation, merged: Organisation) -> None:
    """Move everything of `merged` (an organisation without users) to the user's organisation, and remove it."""
    into = user.organisation
    if db.session.scalar(select(User.id).filter_by(organisation_id=merged.id).limit(1)) is not None:
        raise DomainError(
            _(
                "%(name)s has users of its own in the portal, so it cannot be joined to %(into)s, the organisation "
                "of %(email)s. Ask a user of %(name)s to invite a colleague, with another address.",
                name=merged.name,
                into=into.name,
                email=user.email,
            )
        )
    moved = db.session.scalars(
        select(CustomerContract).filter_by(organisation_id=merged.id).order_by(CustomerContract.id)
    )
    contracts = [(contract.id, contract.reference) for contract in moved]
    for model in (CustomerContract, Objection, ConsentDecision, Termination, Invitation):
        db.session.execute(update(model).where(model.organisation_id == merged.id).values(organisation_id=into.id))
    trail.record(
        user,
        "organisation.merge",
        into,
        _(
            "%(merged)s (%(merged_slug)s) joined to %(into)s (%(into_slug)s) when %(email)s accepted an invitation: "
            "its contracts %(refs)s are now of %(into)s",
            merged=merged.name,
            merged_slug=merged.slug,
            into=into.name,
            into_slug=into.slug,
            email=user.email,
            refs=", ".join(reference for _id, reference in contracts),
        ),
        processor_id=invitation.processor_id,
        details={
            "merged": {"id": merged.id, "slug": merged.slug, "name": merged.name},
            "into": {"id": into.id, "slug": into.slug, "name": into.name},
            "contract_ids": [contract_id for contract_id, _reference in contracts],
        },
    )
    db.session.expire_all()
    db.session.delete(db.session.get(Organisation, merged.id))
    db.session.flush()
