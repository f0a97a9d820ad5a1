"""Announcing a change down the chain: a sub-processor adds, replaces or removes its own sub-processor.

GDPR art. 28(4) passes the processor's obligations down the chain, and EDPB
Opinion 22/2024 wants the controller to know every processor in it: such a
change is announced, notified and objected to like any other, for the services
the sub-processor serves.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from registry.exceptions import DomainError
from registry.extensions import db
from registry.models import Engagement, OnwardEngagement, Processor, Service, SubProcessor
from registry.text import Text, _

KINDS = ("add", "replace", "remove")


def _open(clause_model, day: date):
    return (
        clause_model.cancelled.is_(False),
        clause_model.valid_from <= day,
        (clause_model.valid_until.is_(None)) | (clause_model.valid_until > day),
    )


def open_links(parent_id: int, day: date) -> dict[int, OnwardEngagement]:
    """The parent's own sub-processors in force (or planned) on a day, by sub-processor id."""
    rows = db.session.scalars(
        select(OnwardEngagement).where(OnwardEngagement.parent_id == parent_id, *_open(OnwardEngagement, day))
    )
    return {row.sub_processor_id: row for row in rows}


def served_services(parent: SubProcessor, day: date) -> set[int]:
    """The services a sub-processor serves on a day, engaged directly or further down the chain of one that is."""
    members, frontier = {parent.id}, {parent.id}
    while frontier:
        above = set(
            db.session.scalars(
                select(OnwardEngagement.parent_id).where(
                    OnwardEngagement.sub_processor_id.in_(frontier), *_open(OnwardEngagement, day)
                )
            )
        )
        frontier = above - members
        members |= above
    return set(
        db.session.scalars(
            select(Engagement.service_id).where(Engagement.sub_processor_id.in_(members), *_open(Engagement, day))
        )
    )


def _member(processor: Processor, sp_id: int | None, field: str, what: Text) -> SubProcessor:
    sp = db.session.get(SubProcessor, sp_id) if sp_id else None
    if sp is None or sp.processor_id != processor.id:
        raise DomainError(_("Choose the sub-processor %(what)s.", what=what), field)
    return sp


def check_change(processor: Processor, data: dict, services: list[Service]) -> dict:
    """The rules for a change down the chain; returns the fields to store."""
    from registry.announcements.rules import governing_terms, incoming

    kind, day = data["kind"], data["effective_date"]
    parent = _member(processor, data.get("parent_id"), "parent_id", _("that engages its own sub-processor"))
    if kind not in KINDS:
        raise DomainError(
            _(
                "Down the chain a sub-processor can be added, replaced or removed; announce a change of "
                "locations for the sub-processor itself."
            ),
            "kind",
        )
    served = served_services(parent, day)
    if not served:
        raise DomainError(
            _(
                "%(parent)s serves no service of %(processor)s on %(day)s.",
                parent=parent.name,
                processor=processor.name,
                day=day,
            ),
            "parent_id",
        )
    chosen = {s.id for s in services}
    missing = sorted((s.name for s in processor.services if s.id in served - chosen), key=str.lower)
    if missing:
        raise DomainError(
            _(
                "%(parent)s also serves %(items)s: a change of its own sub-processors concerns those "
                "services too; choose them as well.",
                parent=parent.name,
                items=", ".join(missing),
            ),
            "service_ids",
        )
    extra = [s.name for s in services if s.id not in served]
    if extra:
        raise DomainError(
            _("%(parent)s does not serve %(items)s on %(day)s.", parent=parent.name, items=", ".join(extra), day=day),
            "service_ids",
        )
    links = open_links(parent.id, day)
    fields = {
        "parent_id": parent.id,
        "target_id": None,
        "entity_id": None,
        "new_name": None,
        "new_legal_name": None,
        "new_established_in": None,
        "new_description": None,
        "new_dpa_in_place": None,
        "locations": [],
    }
    if kind in ("replace", "remove"):
        target = _member(processor, data.get("target_id"), "target_id", _("the change is about"))
        if target.id not in links:
            raise DomainError(
                _(
                    "%(target)s is not a sub-processor of %(parent)s on %(day)s.",
                    target=target.name,
                    parent=parent.name,
                    day=day,
                ),
                "target_id",
            )
        if links[target.id].valid_until is not None:
            raise DomainError(
                _(
                    "%(target)s is already announced to leave %(parent)s on %(ends)s.",
                    target=target.name,
                    parent=parent.name,
                    ends=links[target.id].valid_until,
                ),
                "target_id",
            )
        fields["target_id"] = target.id
    if kind in ("add", "replace"):
        if data.get("entity_id"):
            entity = _member(processor, data["entity_id"], "entity_id", _("to bring in"))
            if entity.id in (parent.id, fields["target_id"]):
                raise DomainError(_("Choose another sub-processor to bring in."), "entity_id")
            if entity.id in links:
                raise DomainError(
                    _(
                        "%(entity)s is already a sub-processor of %(parent)s on %(day)s.",
                        entity=entity.name,
                        parent=parent.name,
                        day=day,
                    ),
                    "entity_id",
                )
            fields["entity_id"] = entity.id
        else:
            names = {s.id: s.name for s in services}
            fields.update(
                incoming(
                    processor,
                    {**data, "entity_id": None},
                    list(chosen),
                    names,
                    day,
                    None,
                    governing_terms(processor, services, day),
                )
            )
    return fields


def apply(announcement, entity: SubProcessor | None, source: str) -> None:
    """Record a published change down the chain as dated links, as an engagement is recorded."""
    day = announcement.effective_date
    if announcement.kind in ("replace", "remove"):
        link = open_links(announcement.parent_id, day)[announcement.target_id]
        link.valid_until, link.ended_by_id = day, announcement.id
    if entity is not None:
        db.session.add(
            OnwardEngagement(
                processor_id=announcement.processor_id,
                parent_id=announcement.parent_id,
                sub_processor_id=entity.id,
                valid_from=day,
                purpose=announcement.purpose,
                source=source,
                announcement_id=announcement.id,
            )
        )
