"""Registry versions: what each version listed, and the difference between two of them."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from registry.exceptions import NotFound
from registry.extensions import db
from registry.law import transfers
from registry.models import Announcement, Engagement, Location, Processor, RegistryVersion, Service, SubProcessor
from registry.text import Joined, Words, _, english


def versions(processor: Processor) -> list[RegistryVersion]:
    """Every version in the order they take effect, the latest first (versions of one day: the later published
    first); a version's number counts publications, so it may take effect before one with a lower number."""
    return list(
        db.session.scalars(
            select(RegistryVersion)
            .where(RegistryVersion.processor_id == processor.id)
            .options(selectinload(RegistryVersion.announcement))
            .order_by(RegistryVersion.effective_date.desc(), RegistryVersion.number.desc())
        )
    )


def ensure_initial_version(processor: Processor) -> bool:
    """Version 1 is the list as recorded from the contract's annex; created once."""
    exists = db.session.scalar(select(RegistryVersion.id).where(RegistryVersion.processor_id == processor.id))
    if exists:
        return False
    db.session.add(
        RegistryVersion(processor_id=processor.id, number=1, effective_date=processor.listed_since, event="initial")
    )
    return True


@dataclass
class _History:
    """Which announcements count at a version: published by then and not withdrawn by then."""

    valid: set[int]
    effective: dict[int, object]

    def counts(self, announcement_id: int | None) -> bool:
        return announcement_id is None or announcement_id in self.valid


def _history(processor: Processor, number: int, without: frozenset[int] = frozenset()) -> tuple[_History, object]:
    """What counts at version `number`, leaving out the announcements `without` (withdrawn later, when comparing);
    the day is the latest effective date of what counts (a withdrawn change's date no longer does)."""
    announcements = db.session.scalars(
        select(Announcement)
        .where(Announcement.processor_id == processor.id, Announcement.status != "draft")
        .options(selectinload(Announcement.version), selectinload(Announcement.withdrawal_version))
    ).all()
    valid = {
        a.id
        for a in announcements
        if a.version
        and a.version.number <= number
        and not (a.withdrawal_version and a.withdrawal_version.number <= number)
        and a.id not in without
    }
    rows = db.session.scalars(
        select(RegistryVersion).where(
            RegistryVersion.processor_id == processor.id,
            RegistryVersion.number <= number,
            RegistryVersion.event != "withdrawal",
        )
    ).all()
    if not rows:
        raise NotFound(_("%(name)s has no registry version %(number)s.", name=processor.name, number=number))
    dates = [v.effective_date for v in rows if v.announcement_id is None or v.announcement_id in valid]
    return _History(valid, {a.id: a.effective_date for a in announcements}), max(dates)


def _holds(row, history: _History, day) -> bool:
    """Whether a dated row was part of the registry at a version whose latest effective date is `day`."""
    if not history.counts(row.announcement_id) or row.valid_from > day:
        return False
    if row.ended_by_id is not None:
        return not (row.ended_by_id in history.valid and history.effective[row.ended_by_id] <= day)
    return row.valid_until is None or row.valid_until > day


def listing_at(processor: Processor, number: int, without: frozenset[int] = frozenset()) -> dict[tuple[str, str], dict]:
    """(service, sub-processor) → its locations, as registry version `number` listed them (without some)."""
    history, day = _history(processor, number, without)
    engagements = db.session.scalars(
        select(Engagement)
        .where(Engagement.processor_id == processor.id)
        .options(
            selectinload(Engagement.service),
            selectinload(Engagement.sub_processor).selectinload(SubProcessor.locations),
        )
    ).all()
    listing = {}
    for engagement in engagements:
        if not _holds(engagement, history, day):
            continue
        sp = engagement.sub_processor
        # In the order of their English words, the same in every language (the page may sort its own words).
        places = sorted((_label(loc) for loc in sp.locations if _holds(loc, history, day)), key=english)
        listing[(engagement.service.name, sp.name)] = {
            "service": engagement.service.name,
            "sub_processor": sp.name,
            "locations": places,
        }
    return listing


def _label(loc: Location) -> Words:
    place = transfers.place_label(loc.country_code, loc.place, loc.role)
    if loc.transfer_basis:
        return Joined([place, Joined(["[", transfers.basis_label(loc.transfer_basis), "]"], "")])
    return place


@dataclass
class Comparison:
    processor: Processor
    older: RegistryVersion
    newer: RegistryVersion
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)
    withdrawn: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "processor": self.processor.slug,
            "from": {"number": self.older.number, "effective_date": self.older.effective_date.isoformat()},
            "to": {"number": self.newer.number, "effective_date": self.newer.effective_date.isoformat()},
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
            "withdrawn": self.withdrawn,
        }


def get_version(processor: Processor, number: int) -> RegistryVersion:
    version = db.session.scalar(
        select(RegistryVersion).where(RegistryVersion.processor_id == processor.id, RegistryVersion.number == number)
    )
    if version is None:
        raise NotFound(_("%(name)s has no registry version %(number)s.", name=processor.name, number=number))
    return version


def _withdrawn_between(processor: Processor, older: RegistryVersion, newer: RegistryVersion) -> list[Announcement]:
    if older.number >= newer.number:
        return []
    return list(
        db.session.scalars(
            select(Announcement)
            .join(RegistryVersion, RegistryVersion.id == Announcement.withdrawal_version_id)
            .where(
                Announcement.processor_id == processor.id,
                RegistryVersion.number > older.number,
                RegistryVersion.number <= newer.number,
            )
            .options(selectinload(Announcement.services))
            .order_by(Announcement.number)
        )
    )


def _undone(announcement: Announcement) -> list[dict]:
    """What withdrawing an announcement means, per service: what it would have brought in is not added, what it
    would have ended stays (its locations too)."""
    effects = []
    if announcement.kind in ("add", "replace"):
        effects.append(("not_added", announcement.incoming_name))
    if announcement.kind in ("replace", "remove"):
        effects.append(("stays", announcement.target.name if announcement.target else None))
    if announcement.kind == "change_locations":
        effects.append(("keeps_locations", announcement.target.name if announcement.target else None))
    return [
        {"announcement": announcement.number, "service": s.name, "sub_processor": name, "effect": effect}
        for effect, name in effects
        for s in announcement.services
    ]


def compare(processor: Processor, older_number: int, newer_number: int) -> Comparison:
    """Engagements added, removed and changed (locations) between two versions.

    A withdrawal undoes: an announcement withdrawn after the older version (up to the newer one) is left out of
    the older version too, so what it would have added is not shown as removed, nor what it would have removed as
    added; it is listed apart, as withdrawn, with what that means."""
    older, newer = get_version(processor, older_number), get_version(processor, newer_number)
    withdrawn = _withdrawn_between(processor, older, newer)
    before = listing_at(processor, older.number, frozenset(a.id for a in withdrawn))
    after = listing_at(processor, newer.number)
    result = Comparison(processor, older, newer)
    result.added = [after[k] for k in sorted(after.keys() - before.keys())]
    result.removed = [before[k] for k in sorted(before.keys() - after.keys())]
    for key in sorted(before.keys() & after.keys()):
        if before[key]["locations"] != after[key]["locations"]:
            result.changed.append(
                {
                    "service": key[0],
                    "sub_processor": key[1],
                    "locations_before": before[key]["locations"],
                    "locations_after": after[key]["locations"],
                }
            )
    result.withdrawn = [row for a in withdrawn for row in _undone(a)]
    return result


def service_by_key(processor: Processor, key: str) -> Service:
    service = db.session.scalar(select(Service).where(Service.processor_id == processor.id, Service.key == key))
    if service is None:
        raise NotFound(_("No service '%(key)s' at %(name)s.", key=key, name=processor.name))
    return service
