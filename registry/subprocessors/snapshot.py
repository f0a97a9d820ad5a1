"""The registry of one processor as it stood on a given day, in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from registry.exceptions import NotFound
from registry.extensions import db
from registry.models import Announcement, ContractTerms, Engagement, OnwardEngagement, Processor, Service, SubProcessor
from registry.text import _

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def today() -> date:
    """Today's date in Europe/Amsterdam, the calendar the contracts use."""
    return datetime.now(AMSTERDAM).date()


@dataclass
class ServiceEntry:
    service: Service
    engagements: list[Engagement] = field(default_factory=list)


@dataclass
class RegistrySnapshot:
    processor: Processor
    day: date
    terms: ContractTerms | None
    services: list[ServiceEntry]
    # The chain on the day: each sub-processor's own sub-processors, by the parent's id.
    onward_links: dict[int, list[OnwardEngagement]] = field(default_factory=dict)
    # Announcement id -> the articles under which it needs each controller's consent (specific authorisation, or
    # a transfer the contract allows only with consent): such a change is not authorised until a controller grants.
    consent_needed: dict[int, list[str]] = field(default_factory=dict)

    def consent_articles(self, engagement: Engagement) -> list[str]:
        """The articles under which the change that brought this engagement (or its locations) needs consent."""
        ids = [engagement.announcement_id] + [loc.announcement_id for loc in engagement.sub_processor.locations]
        return list(dict.fromkeys(a for i in ids if i in self.consent_needed for a in self.consent_needed[i]))

    @property
    def before_listing(self) -> bool:
        return self.day < self.processor.listed_since

    @property
    def engagements(self) -> list[Engagement]:
        return [e for entry in self.services for e in entry.engagements]

    def onward(self, sp: SubProcessor) -> list[SubProcessor]:
        """The sub-processors that `sp` itself engages, on the snapshot's day."""
        return [link.sub_processor for link in self.onward_links.get(sp.id, [])]

    def chain_below(self, sp: SubProcessor) -> list[OnwardEngagement]:
        """Every link down the chain from `sp`, at any depth, depth first (each names its parent).

        A sub-processor already on the path is not followed again, so a cycle in the data ends the walk.
        """
        found: list[OnwardEngagement] = []

        def walk(parent: SubProcessor, path: frozenset) -> None:
            for link in self.onward_links.get(parent.id, []):
                if link.sub_processor_id not in path:
                    found.append(link)
                    walk(link.sub_processor, path | {link.sub_processor_id})

        walk(sp, frozenset({sp.id}))
        return found

    def chain(self) -> list[tuple[SubProcessor, SubProcessor | None]]:
        """Each engaged sub-processor (parent None) followed by its chain; one engaged for two services twice."""
        pairs: list[tuple[SubProcessor, SubProcessor | None]] = []
        for engagement in self.engagements:
            pairs.append((engagement.sub_processor, None))
            pairs += [(link.sub_processor, link.parent) for link in self.chain_below(engagement.sub_processor)]
        return pairs

    def service(self, key: str) -> ServiceEntry:
        for entry in self.services:
            if entry.service.key == key:
                return entry
        raise NotFound(_("No service '%(key)s' at this processor.", key=key))


def get_processor(slug: str) -> Processor:
    processor = db.session.scalar(
        select(Processor).where(Processor.slug == slug).options(selectinload(Processor.contract_terms))
    )
    if processor is None:
        raise NotFound(_("No processor '%(slug)s' in the registry.", slug=slug))
    return processor


def registry_on(slug: str, day: date) -> RegistrySnapshot:
    """The services, engagements, locations and onward sub-processors of a processor on a day."""
    processor = get_processor(slug)
    services = db.session.scalars(
        select(Service).where(Service.processor_id == processor.id).order_by(Service.position, Service.id)
    ).all()
    engagements = []
    if day >= processor.listed_since:
        engagements = db.session.scalars(
            select(Engagement)
            .where(Engagement.processor_id == processor.id, Engagement.active_on_clause(day))
            .options(
                selectinload(Engagement.sub_processor).selectinload(SubProcessor.locations),
            )
        ).all()
    onward: dict[int, list[OnwardEngagement]] = {}
    if day >= processor.listed_since:
        links = db.session.scalars(
            select(OnwardEngagement)
            .where(OnwardEngagement.processor_id == processor.id, OnwardEngagement.active_on_clause(day))
            .options(selectinload(OnwardEngagement.sub_processor).selectinload(SubProcessor.locations))
        ).all()
        for link in sorted(links, key=lambda link: link.sub_processor.name.lower()):
            onward.setdefault(link.parent_id, []).append(link)
    by_service: dict[int, list[Engagement]] = {}
    for engagement in sorted(engagements, key=lambda e: e.sub_processor.name.lower()):
        by_service.setdefault(engagement.service_id, []).append(engagement)
    entries = [ServiceEntry(service, by_service.get(service.id, [])) for service in services]
    return RegistrySnapshot(processor, day, processor.terms_at(day), entries, onward, _consent_needed(engagements))


def _consent_needed(engagements: list[Engagement]) -> dict[int, list[str]]:
    """One query: which announcements behind these engagements ask controllers for consent, and under what."""
    ids = {e.announcement_id for e in engagements} | {
        loc.announcement_id for e in engagements for loc in e.sub_processor.locations
    }
    ids.discard(None)
    if not ids:
        return {}
    rows = db.session.execute(select(Announcement.id, Announcement.deadlines).where(Announcement.id.in_(ids)))
    return {
        aid: [d.get("article") or "-" for d in deadlines or [] if d.get("route") == "consent"]
        for aid, deadlines in rows
        if any(d.get("route") == "consent" for d in deadlines or [])
    }


def all_processors() -> list[Processor]:
    return list(db.session.scalars(select(Processor).order_by(func.lower(Processor.name), Processor.id)))
