"""Whether an account may log in: the site admin or a fellow editor disables (removes) or re-enables a processor's
editor, on record."""

from __future__ import annotations

from sqlalchemy import select

from registry.audit import trail
from registry.exceptions import NotFound
from registry.extensions import db
from registry.models import Processor, User
from registry.models.user import new_session_token
from registry.storage.locks import locked
from registry.storage.transactions import one_transaction
from registry.text import _


def editors_of(processor: Processor) -> list[User]:
    """The processor's editors, active or not, by address."""
    return list(db.session.scalars(select(User).filter_by(processor_id=processor.id).order_by(User.email)))


@one_transaction
def set_active(actor: User, processor: Processor, user_id: int, active: bool) -> User:
    """Disable an editor of `processor` (every session of the account ends with it: the way a fellow editor is
    removed) or enable it again; the site admin and the processor's other editors do so, nobody to their own
    account. Asking for the state the account is in changes nothing and records nothing."""
    if not actor.may_edit(processor):
        raise NotFound(_("No such account at %(name)s.", name=processor.name))
    user = locked(User, user_id)
    if user is None or user.processor_id != processor.id or user.id == actor.id:
        raise NotFound(_("No such account at %(name)s.", name=processor.name))
    change_standing(actor, user, active)
    db.session.commit()
    return user


def change_standing(actor: User | str, user: User, active: bool) -> None:
    """Set whether `user` (read under its lock by the caller) may log in, on record; the caller commits. Asking for
    the state it is in changes and records nothing. Used by the site and by the operator's `users disable`."""
    if user.active == active:
        return
    user.active = active
    if not active:
        # Sessions and remember-me cookies name the token: a new one ends them all.
        user.session_token = new_session_token()
    trail.record(
        actor,
        "user.enable" if active else "user.disable",
        user,
        _("Enabled account %(email)s", email=user.email)
        if active
        else _("Disabled account %(email)s (every session ended)", email=user.email),
        processor_id=user.processor_id,
    )
