"""Applying an import the editor confirmed, in one transaction: the plan is made again from the carried file under
the processor's lock; only if it is the plan the editor saw is anything stored. The first import records the rows
as the registry as first recorded (version 1); a later one saves draft announcements, which then go through the
notice rules and publication like any change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from registry.announcements.drafting import require_editor
from registry.announcements.reading import forget_feed_heads
from registry.announcements.rules import validate
from registry.audit import trail
from registry.exceptions import DomainError
from registry.extensions import db
from registry.imports.registry_columns import COLUMNS, key
from registry.imports.registry_later import later
from registry.imports.registry_list import read_listing
from registry.imports.registry_plan import Plan, by_name_of, first, import_source, is_first_import, match, place_of
from registry.imports.tables import read_table
from registry.models import (
    Announcement,
    Engagement,
    Location,
    OnwardEngagement,
    Processor,
    RegistryVersion,
    Service,
    SubProcessor,
    User,
)
from registry.models.types import utcnow
from registry.storage.locks import locked
from registry.storage.transactions import one_transaction
from registry.subprocessors import published
from registry.subprocessors.editing import slugify
from registry.subprocessors.snapshot import today
from registry.subprocessors.versions import ensure_initial_version
from registry.text import _


def plan_import(processor: Processor, filename: str, data: bytes) -> Plan:
    """The plan for a file; a file that cannot be read at all raises DomainError(field="file")."""
    table = read_table(filename, data, COLUMNS)
    day = today()
    source = import_source(filename, day)
    entities = list(
        db.session.scalars(
            select(SubProcessor)
            .where(SubProcessor.processor_id == processor.id)
            .options(selectinload(SubProcessor.locations))
        )
    )
    by_name = by_name_of(entities)
    listing = read_listing(table, day, source, {k: sp.dpf_certified for k, sp in by_name.items()})
    plan = Plan(processor, filename, source, day, is_first_import(processor), listing, list(listing.problems))
    (first if plan.first else later)(plan, by_name)
    plan.problems.sort(key=lambda p: p.row)
    return plan


@dataclass
class Outcome:
    plan: Plan
    applied: bool  # False: the registry changed since the preview, and `plan` is the new one to show
    drafts: list[Announcement]


def nothing_to_import(plan: Plan | None = None) -> DomainError:
    """What a file that changes nothing is told; naming the open drafts that already say what it says."""
    drafted = sorted({d.already for d in plan.drafts if d.already}) if plan is not None else []
    if drafted:
        return DomainError(
            _(
                "Nothing to import: the registry and its open draft announcements (%(numbers)s) already say what the "
                "file says. Publish or change those drafts.",
                numbers=", ".join(f"#{n}" for n in drafted),
            )
        )
    return DomainError(_("Nothing to import: the registry already matches the file."))


@one_transaction
def apply_import(actor: User, processor: Processor, filename: str, data: bytes, fingerprint: str) -> Outcome:
    require_editor(actor, processor)
    processor = locked(Processor, processor.id)  # one import (or publication) at a time per processor
    plan = plan_import(processor, filename, data)
    if not plan.problems and not plan.has_changes:
        raise nothing_to_import(plan)
    if plan.problems or plan.fingerprint != fingerprint:
        db.session.rollback()  # nothing was written; the lock goes
        return Outcome(plan, False, [])
    drafts = _record_first(plan) if plan.first else _save_drafts(actor, plan)
    counts = {k: len(v) for k, v in plan.created.items()} if plan.first else {"drafts": len(drafts)}
    trail.record(
        actor,
        "registry.import",
        processor,
        _("Imported %(file)s (%(rows)d rows)", file=filename, rows=plan.listing.rows),
        processor_id=processor.id,
        details={
            "file": filename,
            "rows": plan.listing.rows,
            "first": plan.first,
            "counts": counts,
            "drafts": [d.number for d in drafts],
        },
    )
    db.session.commit()
    forget_feed_heads()
    return Outcome(plan, True, drafts)


def _unique_key(name: str, taken: set[str], fallback: str) -> str:
    base = slugify(name) or fallback
    unique, n = base, 2
    while unique in taken:
        suffix = f"-{n}"
        unique, n = base[: 64 - len(suffix)].rstrip("-") + suffix, n + 1
    taken.add(unique)
    return unique


def first_day(processor: Processor, day: date) -> date:
    """The day the imported registry holds from: the day the processor is listed since, or today if that is
    later (the registry showed nothing before the import, and the past is not rewritten)."""
    return max(processor.listed_since, day)


def _record_first(plan: Plan) -> list:
    """The file as the registry as first recorded, from `first_day`; version 1 is that list."""
    processor, listing = plan.processor, plan.listing
    day = first_day(processor, plan.day)
    ensure_initial_version(processor)
    db.session.flush()
    published.forget_first(processor)
    if day != processor.listed_since:
        processor.listed_since = day
        db.session.execute(
            update(RegistryVersion)
            .where(RegistryVersion.processor_id == processor.id, RegistryVersion.number == 1)
            .values(effective_date=day)
        )
    services, entities = _services(plan), _entities(plan)
    for (service_key, name_key), link in listing.engagements.items():
        db.session.add(
            Engagement(
                processor_id=processor.id,
                service_id=services[service_key].id,
                sub_processor_id=entities[name_key].id,
                purpose=link.purpose,
                source=link.source,
                valid_from=day,
            )
        )
    for (parent_key, name_key), link in listing.onward.items():
        db.session.add(
            OnwardEngagement(
                processor_id=processor.id,
                parent_id=entities[parent_key].id,
                sub_processor_id=entities[name_key].id,
                purpose=link.purpose,
                source=link.source,
                valid_from=day,
            )
        )
    db.session.execute(
        update(Processor)
        .where(Processor.id == processor.id)
        .values(feed_serial=Processor.feed_serial + 1, feed_updated_at=utcnow())
    )
    db.session.flush()
    return []


def _services(plan: Plan) -> dict[str, Service]:
    """The file's services by key of their names: the processor's own, and those it lacks created."""
    processor = plan.processor
    services = {}
    for service in processor.services:
        services[key(service.key)] = services[key(service.name)] = service
    taken = set(db.session.scalars(select(Service.key).where(Service.processor_id == processor.id)))
    position = len(processor.services)
    for name_key, name in plan.listing.services.items():
        if name_key not in services:
            service = Service(
                processor_id=processor.id,
                key=_unique_key(name, taken, "service"),
                name=name,
                position=position,
                source=plan.source,
            )
            position += 1
            db.session.add(service)
            services[name_key] = service
    db.session.flush()
    return services


def _entities(plan: Plan) -> dict[str, SubProcessor]:
    """The file's sub-processors, those the registry lacks created, with the locations the registry lacks."""
    processor, listing, day = plan.processor, plan.listing, first_day(plan.processor, plan.day)
    existing = list(
        db.session.scalars(
            select(SubProcessor)
            .where(SubProcessor.processor_id == processor.id)
            .options(selectinload(SubProcessor.locations))
        )
    )
    by_name = by_name_of(existing)
    taken = {sp.key for sp in existing}
    direct = {name_key for _service, name_key in listing.engagements}
    sources: dict[str, str] = {}  # each sub-processor's locations take the source of its first row
    for (_over, name_key), link in sorted({**listing.engagements, **listing.onward}.items(), key=lambda i: i[1].row):
        sources.setdefault(name_key, link.source)
    found, created = {}, set()
    for name_key, entity in listing.entities.items():
        sp = match(plan, by_name, name_key)
        if sp is None:
            sp = SubProcessor(
                processor_id=processor.id,
                key=_unique_key(entity.name, taken, "sub-processor"),
                name=entity.name,
                legal_name=entity.legal_name,
                dpa_in_place=entity.dpa,
                dpa_source=plan.source if entity.dpa is not None else None,
                source=plan.source,
            )
            db.session.add(sp)
            created.add(name_key)
        found[name_key] = sp
    db.session.flush()  # one statement per table, not one per row
    _locations(plan, found, created, sources, day)
    for parent_key, name_key in listing.onward:
        if name_key not in direct and name_key in created:
            found[name_key].parent_id = found[parent_key].id  # known only as the parent's own sub-processor
    db.session.flush()
    return found


def _locations(plan: Plan, found: dict, created: set, sources: dict, day: date) -> None:
    """Each sub-processor's places in the file that the registry does not hold yet, as locations."""
    for name_key, entity in plan.listing.entities.items():
        sp = found[name_key]
        held = (
            set()
            if name_key in created
            else {place_of(loc) for loc in sp.locations if not loc.cancelled and loc.valid_until is None}
        )
        for place in entity.places:
            if place not in held:
                db.session.add(
                    Location(
                        sub_processor_id=sp.id,
                        country_code=place.country,
                        place=place.place,
                        role=place.role,
                        transfer_basis=place.basis,
                        source=sources.get(name_key, plan.source),
                        valid_from=day,
                    )
                )


def _save_drafts(actor: User, plan: Plan) -> list[Announcement]:
    processor = plan.processor
    number = db.session.scalar(select(func.max(Announcement.number)).where(Announcement.processor_id == processor.id))
    made = []
    for draft in plan.new_drafts:
        services, fields = validate(processor, draft.data, plan.day)
        number = (number or 0) + 1
        announcement = Announcement(
            processor_id=processor.id,
            number=number,
            created_by_id=actor.id,
            kind=draft.data["kind"],
            purpose=draft.data.get("purpose") or None,
            reason=draft.data["reason"],
            effective_date=draft.data["effective_date"],
            urgent=False,
            **fields,
        )
        announcement.services = services
        db.session.add(announcement)
        db.session.flush()
        trail.record(
            actor,
            "announcement.draft",
            announcement,
            _("Drafted announcement #%(number)s", number=number),
            processor_id=processor.id,
            details={"import": plan.filename},
        )
        made.append(announcement)
    return made
