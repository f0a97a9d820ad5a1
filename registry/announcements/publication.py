"""Publishing and withdrawing announcements: each one transaction that moves the registry version on."""

from __future__ import annotations

from sqlalchemy import func, select, update

from registry.announcements import deadlines, onward
from registry.announcements.drafting import locked_announcement, require_editor
from registry.announcements.reading import forget_feed_heads
from registry.announcements.rules import open_engagements, validate
from registry.announcements.summary import describe
from registry.audit import trail
from registry.exceptions import DomainError
from registry.extensions import db
from registry.mail import outbox
from registry.models import (
    Announcement,
    Engagement,
    Location,
    OnwardEngagement,
    Processor,
    RegistryVersion,
    SubProcessor,
    User,
)
from registry.models.types import utcnow
from registry.storage.transactions import one_transaction
from registry.subprocessors import published
from registry.subprocessors.editing import slugify
from registry.subprocessors.snapshot import today
from registry.text import Text, _
from registry.webhooks import events as webhook_events
from registry.webhooks import websub


def as_input(announcement: Announcement) -> dict:
    """An announcement's content in the shape the validation takes."""
    return {
        "kind": announcement.kind,
        "service_ids": [s.id for s in announcement.services],
        "parent_id": announcement.parent_id,
        "target_id": announcement.target_id,
        "entity_id": announcement.entity_id,
        "new_name": announcement.new_name,
        "new_legal_name": announcement.new_legal_name,
        "new_established_in": announcement.new_established_in,
        "new_description": announcement.new_description,
        "new_dpa_in_place": announcement.new_dpa_in_place,
        "purpose": announcement.purpose,
        "locations": announcement.locations,
        "reason": announcement.reason,
        "effective_date": announcement.effective_date,
        "urgent": announcement.urgent,
        "urgency_justification": announcement.urgency_justification,
    }


def _stored_label(label: Text | str) -> str:
    """A label as the announcement stores it: its message id, translated where it is shown (`_(d.route_label)`)."""
    return label.msgid if isinstance(label, Text) else label


def deadlines_as_announced(processor: Processor, announcement: Announcement, announced_on) -> list[dict]:
    """Per contract-terms version: the route, the processor's notice period (and where it comes from) and, only
    where the terms state one, the controller's period to object; fixed at publication."""
    outside_eea = bool(describe(announcement).outside_eea)
    items = deadlines.per_terms(deadlines.per_contract(processor, announcement.services, announced_on, outside_eea))
    return [
        {
            "terms_version": item.terms.version,
            "authorisation": item.terms.authorisation,
            "route": "consent" if item.consent else "objection",
            "route_label": _stored_label(item.route_label),
            "article": item.route_article,
            "notice_days": item.terms.notice_days,
            "notice_source": item.terms.notice_source,
            "notice_article": item.terms.notice_article,
            "notice_end": item.notice_end.day.isoformat(),
            "earliest_effective": item.earliest_effective.isoformat(),
            "objection_days": item.terms.objection_days if item.objection_deadline else None,
            "objection_article": item.terms.objection_period_article if item.objection_deadline else None,
            "last_day": item.objection_deadline.day.isoformat() if item.objection_deadline else None,
            "rolled_from": (
                item.objection_deadline.rolled_from.isoformat()
                if item.objection_deadline and item.objection_deadline.rolled_from
                else None
            ),
            "consent_reasonable": item.terms.consent_reasonable,
            "consent_reasonable_article": item.terms.consent_reasonable_article,
        }
        for item in items
    ]


def _next_version(processor: Processor, announcement: Announcement, event: str, effective) -> RegistryVersion:
    number = (
        db.session.scalar(select(func.max(RegistryVersion.number)).where(RegistryVersion.processor_id == processor.id))
        or 0
    ) + 1
    version = RegistryVersion(
        processor_id=processor.id,
        number=number,
        effective_date=effective,
        event=event,
        announcement_id=announcement.id,
        published_at=utcnow(),
    )
    db.session.add(version)
    # Feeds of this processor change with this transaction.
    db.session.execute(
        update(Processor)
        .where(Processor.id == processor.id)
        .values(feed_serial=Processor.feed_serial + 1, feed_updated_at=version.published_at)
    )
    db.session.flush()
    return version


@one_transaction
def publish(actor: User, processor: Processor, announcement_id: int) -> RegistryVersion:
    """Apply a draft to the registry as dated rows, raise the registry version, make it immutable."""
    require_editor(actor, processor)
    announcement = locked_announcement(processor, announcement_id)
    if not announcement.is_draft:
        raise DomainError(
            _(
                "Announcement #%(number)s was published already (%(status)s).",
                number=announcement.number,
                status=announcement.version.label if announcement.version else announcement.status_label,
            )
        )
    validate(processor, as_input(announcement), today())
    _apply(processor, announcement)
    version = _next_version(processor, announcement, "publication", announcement.effective_date)
    published.record(version)
    announcement.status = "published"
    announcement.published_at = version.published_at
    announcement.deadlines = deadlines_as_announced(processor, announcement, today())
    announcement.published_by_id = actor.id
    announcement.version_id = version.id
    # Recorded (and the log's head signed) first, so that every notice carries the checkpoint that covers it.
    trail.record(
        actor,
        "announcement.publish",
        announcement,
        _(
            "Published announcement #%(number)s as version %(version)s",
            number=announcement.number,
            version=version.number,
        ),
        processor_id=processor.id,
    )
    outbox.queue_announcement(announcement, "publication")
    webhook_events.queue_announcement(announcement, "publication")
    websub.queue(announcement, "publication")
    db.session.commit()
    forget_feed_heads()
    return version


def _apply(processor: Processor, announcement: Announcement) -> None:
    day = announcement.effective_date
    source = f"Announcement #{announcement.number}"
    service_ids = [s.id for s in announcement.services]
    if announcement.parent_id:
        _apply_onward(processor, announcement, source)
        return
    if announcement.kind in ("replace", "remove"):
        for engagement in open_engagements(announcement.target_id, service_ids, day).values():
            engagement.valid_until, engagement.ended_by_id = day, announcement.id
    if announcement.kind == "change_locations":
        for location in announcement.target.locations:
            if location.active_on(day) and location.valid_until is None:
                location.valid_until, location.ended_by_id = day, announcement.id
        _add_locations(announcement.target, announcement, source)
    if announcement.kind in ("add", "replace"):
        entity = announcement.entity or _new_entity(processor, announcement, source)
        announcement.entity_id = entity.id
        for service_id in service_ids:
            db.session.add(
                Engagement(
                    processor_id=processor.id,
                    service_id=service_id,
                    sub_processor_id=entity.id,
                    valid_from=day,
                    purpose=announcement.purpose,
                    source=source,
                    announcement_id=announcement.id,
                )
            )
    db.session.flush()


def _apply_onward(processor: Processor, announcement: Announcement, source: str) -> None:
    """A change down the chain: the parent's own sub-processor, dated like an engagement."""
    entity = None
    if announcement.kind in ("add", "replace"):
        entity = announcement.entity or _new_entity(processor, announcement, source)
        if announcement.entity is None:
            entity.parent_id = announcement.parent_id  # known only as the parent's own sub-processor
        announcement.entity_id = entity.id
    onward.apply(announcement, entity, source)
    db.session.flush()


def _new_entity(processor: Processor, announcement: Announcement, source: str) -> SubProcessor:
    base = slugify(announcement.new_name) or "sub-processor"
    taken = set(db.session.scalars(select(SubProcessor.key).where(SubProcessor.processor_id == processor.id)))
    longest = SubProcessor.__table__.c.key.type.length
    key, n = base, 2
    while key in taken:  # a number makes it unique, within the column even when the name filled it already
        suffix = f"-{n}"
        key, n = base[: longest - len(suffix)].rstrip("-") + suffix, n + 1
    entity = SubProcessor(
        processor_id=processor.id,
        key=key,
        name=announcement.new_name,
        legal_name=announcement.new_legal_name,
        established_in=announcement.new_established_in,
        description=announcement.new_description,
        dpa_in_place=announcement.new_dpa_in_place,
        dpa_source=source if announcement.new_dpa_in_place is not None else None,
        source=source,
    )
    db.session.add(entity)
    db.session.flush()
    _add_locations(entity, announcement, source)
    return entity


def _add_locations(sp: SubProcessor, announcement: Announcement, source: str) -> None:
    for loc in announcement.locations:
        db.session.add(
            Location(
                sub_processor_id=sp.id,
                country_code=loc["country"],
                place=loc["place"],
                role=loc["role"],
                transfer_basis=loc["transfer_basis"],
                source=source,
                valid_from=announcement.effective_date,
                announcement_id=announcement.id,
            )
        )


@one_transaction
def withdraw(actor: User, processor: Processor, announcement_id: int, reason: str) -> RegistryVersion:
    """Withdraw a published announcement before its effective date; the withdrawal is published too."""
    require_editor(actor, processor)
    announcement = locked_announcement(processor, announcement_id)
    if announcement.status == "withdrawn":
        raise DomainError(_("Announcement #%(number)s was withdrawn already.", number=announcement.number))
    if announcement.status != "published":
        raise DomainError(_("Only a published announcement can be withdrawn; a draft can simply be left unpublished."))
    if today() >= announcement.effective_date:
        raise DomainError(
            _(
                "The change took effect on %(effective_date)s; it can no longer be withdrawn. Announce a "
                "new change instead.",
                effective_date=announcement.effective_date,
            )
        )
    if not (reason or "").strip():
        raise DomainError(_("Give the reason for the withdrawal."), "reason")
    for model in (Engagement, Location, OnwardEngagement):
        for row in db.session.scalars(select(model).where(model.announcement_id == announcement.id)):
            row.cancelled = True
        for row in db.session.scalars(select(model).where(model.ended_by_id == announcement.id)):
            row.valid_until = None
    version = _next_version(processor, announcement, "withdrawal", today())
    published.record(version)
    announcement.status = "withdrawn"
    announcement.withdrawn_at = version.published_at
    announcement.withdrawn_by_id = actor.id
    announcement.withdrawal_reason = reason.strip()
    announcement.withdrawal_version_id = version.id
    trail.record(
        actor,
        "announcement.withdraw",
        announcement,
        _(
            "Withdrew announcement #%(number)s as version %(version)s",
            number=announcement.number,
            version=version.number,
        ),
        processor_id=processor.id,
        details={"reason": reason.strip()},
    )
    outbox.queue_announcement(announcement, "withdrawal")
    webhook_events.queue_announcement(announcement, "withdrawal")
    websub.queue(announcement, "withdrawal")
    db.session.commit()
    forget_feed_heads()
    return version
