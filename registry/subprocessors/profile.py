"""A processor's profile (name, legal name, KvK or registration number, address), kept by its editors and the site
admin under the rules of onboarding. Its slug stays: the registry's addresses, feeds and mails name it."""

from __future__ import annotations

from sqlalchemy import func, select

from registry.audit import trail
from registry.exceptions import DomainError, NotFound
from registry.extensions import db
from registry.models import Processor, User
from registry.storage.locks import locked
from registry.storage.transactions import one_transaction
from registry.subprocessors.onboarding import identity
from registry.text import _


@one_transaction
def update_profile(actor: User, processor_id: int, values: dict) -> Processor:
    """Change what differs, with its audit entry (old and new value of each field); nothing changed records
    nothing. Another processor's name is refused, in any case."""
    processor = locked(Processor, processor_id)
    if processor is None or not actor.may_edit(processor):
        raise NotFound(_("No such processor."))
    wanted = identity(values)
    same_name = func.lower(Processor.name) == wanted["name"].lower()
    taken = select(Processor.id).where(same_name, Processor.id != processor.id)
    if db.session.scalar(taken) is not None:
        raise DomainError(_("A processor named '%(name)s' exists already.", name=wanted["name"]), "name")
    diff = trail.changes(processor, wanted)
    if diff:
        trail.record(
            actor,
            "processor.update",
            processor,
            _("Changed the profile of %(name)s", name=processor.name),
            processor_id=processor.id,
            details={"changes": diff},
        )
    db.session.commit()
    return processor
