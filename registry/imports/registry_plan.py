"""What importing a processor's list would do, worked out before anything is stored: on the first import the rows
to record as the registry (services, sub-processors, locations, engagements, onward links); on a later one the
draft announcements of every difference with the registry as it stands (published changes included), leaving out
those an open draft already says. The plan is made again from the same file when the editor confirms."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import exists, select

from registry.extensions import db
from registry.imports.registry_list import Listing, Place, Problem, key
from registry.law import transfers
from registry.models import Announcement, Engagement, Location, OnwardEngagement, Processor, Service, SubProcessor
from registry.text import Joined, Text, _, english

SHOWN_PROBLEMS = 200


@dataclass
class Draft:
    """One draft announcement the import would make, as the announcement rules take it."""

    data: dict
    title: Text
    row: int
    already: int | None = None  # the number of an open draft that says the same


@dataclass
class Plan:
    processor: Processor
    filename: str
    source: str
    day: date
    first: bool
    listing: Listing
    problems: list[Problem] = field(default_factory=list)
    created: dict[str, list] = field(default_factory=dict)  # first import: what is recorded, per kind
    drafts: list[Draft] = field(default_factory=list)
    notes: list[Text] = field(default_factory=list)  # differences an announcement cannot carry: not imported
    deferred: bool = False  # a later import with problems: its drafts are worked out once the file has none

    @property
    def new_drafts(self) -> list[Draft]:
        return [d for d in self.drafts if d.already is None]

    @property
    def has_changes(self) -> bool:
        return any(self.created.values()) if self.first else bool(self.new_drafts)

    @property
    def shown_problems(self) -> list[Problem]:
        return self.problems[:SHOWN_PROBLEMS]

    @property
    def more_problems(self) -> int:
        return max(0, len(self.problems) - SHOWN_PROBLEMS)

    @property
    def fingerprint(self) -> str:
        """What the confirmation must find again: the same changes against the same registry."""
        # In English whatever the reader's language: a preview read in Dutch is confirmed after a switch to English.
        what = {k: [english(x) for x in v] for k, v in self.created.items()} if self.first else None
        drafts = [json.dumps(d.data, sort_keys=True, default=str) for d in self.new_drafts]
        return hashlib.sha256(json.dumps([self.first, what, drafts], default=str).encode()).hexdigest()


def import_source(filename: str, day: date) -> str:
    """How every imported row names where it comes from (stored as recorded, in English, like other sources)."""
    return f"Import of {filename} on {day.isoformat()}"[:200]


def is_first_import(processor: Processor) -> bool:
    """No engagement has been recorded yet and nothing was ever published: the file becomes the registry."""
    recorded = [
        exists().where(model.processor_id == processor.id, model.cancelled.is_(False))
        for model in (Engagement, OnwardEngagement)
    ]
    published = exists().where(Announcement.processor_id == processor.id, Announcement.status != "draft")
    return not any(db.session.scalar(select(clause)) for clause in [*recorded, published])


def by_name_of(entities: list[SubProcessor]) -> dict[str, SubProcessor]:
    found: dict[str, SubProcessor] = {}
    for sp in entities:
        if sp.legal_name:
            found.setdefault(key(sp.legal_name), sp)
    for sp in entities:
        found[key(sp.name)] = sp  # a name matches before a legal name
    return found


def match(plan: Plan, by_name: dict[str, SubProcessor], name_key: str) -> SubProcessor | None:
    entity = plan.listing.entities[name_key]
    return by_name.get(name_key) or (by_name.get(key(entity.legal_name)) if entity.legal_name else None)


def services_of(processor: Processor) -> dict[str, Service]:
    found = {}
    for service in processor.services:
        found[key(service.key)] = found[key(service.name)] = service
    return found


def place_of(loc: Location) -> Place:
    return Place(loc.country_code, loc.place, loc.role or "processing", loc.transfer_basis)


def _label(place: Place):
    label = transfers.place_label(place.country, place.place, place.role)
    return Joined([label, Joined(["[", transfers.basis_label(place.basis), "]"], "")]) if place.basis else label


def first(plan: Plan, by_name: dict[str, SubProcessor]) -> None:
    listing, known = plan.listing, services_of(plan.processor)
    plan.created = {"services": [], "sub_processors": [], "locations": [], "engagements": [], "onward": []}
    plan.created["services"] = [name for k, name in listing.services.items() if k not in known]
    for name_key, entity in listing.entities.items():
        sp = match(plan, by_name, name_key)
        if sp is None:
            plan.created["sub_processors"].append(entity.name)
        held = {place_of(loc) for loc in sp.locations if not loc.cancelled and loc.valid_until is None} if sp else set()
        for place in entity.places:
            if place not in held:
                plan.created["locations"].append(Joined([entity.name, _label(place)], ": "))
    for link in listing.engagements.values():
        plan.created["engagements"].append(
            _("%(name)s for %(service)s: %(purpose)s", name=link.entity, service=link.over, purpose=link.purpose)
        )
    for link in listing.onward.values():
        plan.created["onward"].append(
            _("%(name)s, engaged by %(parent)s: %(purpose)s", name=link.entity, parent=link.over, purpose=link.purpose)
        )
