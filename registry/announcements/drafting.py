"""Drafting announcements of sub-processor changes: create or change a draft, each save one transaction."""

from __future__ import annotations

from sqlalchemy import func, select

from registry.announcements.rules import validate
from registry.audit import trail
from registry.exceptions import DomainError, NotFound
from registry.extensions import db
from registry.models import Announcement, Processor, User
from registry.storage.locks import locked
from registry.storage.transactions import one_transaction
from registry.subprocessors.snapshot import today
from registry.text import Text, _


def require_editor(actor: User, processor: Processor) -> None:
    """Only an editor of this processor (or the site admin) may change its announcements; others see none."""
    if not actor.may_edit(processor):
        raise NotFound(_("No such processor."))


def get_announcement(processor: Processor, announcement_id: int) -> Announcement:
    announcement = db.session.get(Announcement, announcement_id)
    if announcement is None or announcement.processor_id != processor.id:
        raise NotFound(_("No such announcement."))
    return announcement


def locked_announcement(processor: Processor, announcement_id: int) -> Announcement:
    """The announcement re-read under its lock, after the processor's (which serialises the registry's version
    numbers and draft numbers): the state it is judged by is the stored one, not what this session loaded before."""
    locked(Processor, processor.id)
    announcement = locked(Announcement, announcement_id)
    if announcement is None or announcement.processor_id != processor.id:
        raise NotFound(_("No such announcement."))
    return announcement


@one_transaction
def save_draft(actor: User, processor: Processor, announcement_id: int | None, data: dict) -> Announcement:
    """Create or change a draft; a published announcement cannot be changed."""
    require_editor(actor, processor)
    if announcement_id:
        announcement = locked_announcement(processor, announcement_id)
    else:
        announcement = None
        locked(Processor, processor.id)  # the next number is ours until we commit
    if announcement is not None and not announcement.is_draft:
        # The words a double submit gets from the view: one answer, however the request lost.
        raise DomainError(
            _(
                "Announcement #%(number)s is %(status)s and can no longer be changed.",
                number=announcement.number,
                status=announcement.status_label,
            )
        )
    services, fields = validate(processor, data, today())
    values = {
        "kind": data["kind"],
        "purpose": data.get("purpose") or None,
        "reason": data["reason"].strip(),
        "effective_date": data["effective_date"],
        "urgent": bool(data.get("urgent")),
        "urgency_justification": (data.get("urgency_justification") or "").strip() or None,
        **fields,
    }
    if announcement is None:
        number = (
            db.session.scalar(select(func.max(Announcement.number)).where(Announcement.processor_id == processor.id))
            or 0
        ) + 1
        announcement = Announcement(processor_id=processor.id, number=number, created_by_id=actor.id, **values)
        announcement.services = services
        db.session.add(announcement)
        db.session.flush()
        trail.record(
            actor,
            "announcement.draft",
            announcement,
            _("Drafted announcement #%(number)s", number=number),
            processor_id=processor.id,
        )
    else:
        diff = trail.changes(announcement, values)
        if [s.id for s in announcement.services] != [s.id for s in services]:
            diff["services"] = [[s.name for s in announcement.services], [s.name for s in services]]
            announcement.services = services
        if diff:
            trail.record(
                actor,
                "announcement.update",
                announcement,
                _("Changed draft #%(number)s", number=announcement.number),
                processor_id=processor.id,
                details={"changes": diff},
            )
    db.session.commit()
    return announcement


def deletion_refused(announcement: Announcement) -> Text:
    """Why a published or withdrawn announcement is not deleted, and what can be done instead."""
    if announcement.status == "withdrawn":
        return _(
            "Announcement #%(number)s was withdrawn and cannot be deleted: what was announced, and its "
            "withdrawal, stay on record.",
            number=announcement.number,
        )
    return _(
        "Announcement #%(number)s is %(status)s and cannot be deleted: what was announced stays on record. "
        "Withdraw it before its effective date instead.",
        number=announcement.number,
        status=announcement.status_label,
    )


@one_transaction
def delete_draft(actor: User, processor: Processor, announcement_id: int) -> int:
    """Delete a draft (never public, so nothing refers to it); a published or withdrawn announcement stays, as the
    record of what was announced. Returns the deleted draft's number (the next draft may take it again if it was
    the highest: a draft's number is public only once published)."""
    require_editor(actor, processor)
    announcement = locked_announcement(processor, announcement_id)
    if not announcement.is_draft:
        raise DomainError(deletion_refused(announcement))
    number = announcement.number
    trail.record(
        actor,
        "announcement.delete",
        announcement,
        _("Deleted draft #%(number)s", number=number),
        processor_id=processor.id,
        details={"kind": announcement.kind, "reason": announcement.reason},
    )
    announcement.services = []
    db.session.delete(announcement)
    db.session.commit()
    return number
