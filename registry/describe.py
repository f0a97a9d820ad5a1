"""What an announcement says, in one shape for the web page, the feeds and the mail."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from . import transfers
from .models import Announcement, SubProcessor


@dataclass(frozen=True)
class PlaceFact:
    label: str
    outside_eea: bool
    basis: str | None


@dataclass(frozen=True)
class AnnouncementFacts:
    """The facts of an announcement a reader needs: what, where, when, until when to react."""

    title: str
    what: str
    services: list[str]
    places: list[PlaceFact]
    outside_eea: bool | None
    effective_date: date
    urgent: bool
    urgency_justification: str | None
    reason: str
    deadlines: list[dict]
    status: str
    withdrawal_reason: str | None

    def as_text(self) -> str:
        """A plain-text summary (feed summaries, mail)."""
        lines = [self.what, f"Services: {', '.join(self.services)}."]
        if self.places:
            where = "; ".join(p.label + (" (outside the EEA)" if p.outside_eea else "") for p in self.places)
            lines.append(f"Locations: {where}.")
        lines.append(f"Effective date: {self.effective_date.isoformat()}.")
        if self.urgent:
            lines.append(f"Urgent change, with shorter notice: {self.urgency_justification}")
        lines.append(f"Reason: {self.reason}")
        for item in self.deadlines:
            verb = "must consent by" if item["route"] == "consent" else "can object until"
            lines.append(f"Controllers under terms version {item['terms_version']} {verb} the end of "
                         f"{item['last_day']} (Europe/Amsterdam), art. {item['article'] or '-'}.")
        if self.status == "withdrawn":
            lines.insert(0, f"WITHDRAWN: {self.withdrawal_reason}")
        return "\n".join(lines)


def _places(announcement: Announcement, entity: SubProcessor | None) -> list[PlaceFact]:
    day = announcement.effective_date
    if announcement.locations:
        rows = [(loc["country"], loc["place"], loc["role"], loc["transfer_basis"]) for loc in announcement.locations]
    elif entity is not None:
        rows = [(loc.country_code, loc.place, loc.role, loc.transfer_basis) for loc in entity.locations_on(day)]
    else:
        rows = []
    facts = []
    for country, place, role, basis in rows:
        label = transfers.country_name(country) + (f" ({place})" if place else "")
        label += ", back-up" if role == "back-up" else ""
        facts.append(PlaceFact(label, not transfers.in_eea(country, day),
                               transfers.basis_label(basis) if basis else None))
    return facts


def describe(announcement: Announcement) -> AnnouncementFacts:
    kind = announcement.kind
    target = announcement.target.name if announcement.target else None
    incoming = announcement.incoming_name
    what = {
        "add": f"{announcement.processor.name} engages a new sub-processor: {incoming}.",
        "replace": f"{announcement.processor.name} replaces {target} with {incoming}.",
        "remove": f"{announcement.processor.name} stops using {target}.",
        "change_locations": f"{announcement.processor.name} changes where {target} processes personal data.",
    }[kind]
    if announcement.purpose:
        what += f" Purpose: {announcement.purpose}"
    entity = announcement.entity if kind in ("add", "replace") else announcement.target
    places = _places(announcement, entity) if kind != "remove" else []
    outside = any(p.outside_eea for p in places) if places else None
    return AnnouncementFacts(
        title=announcement.title, what=what, services=[s.name for s in announcement.services], places=places,
        outside_eea=outside, effective_date=announcement.effective_date, urgent=announcement.urgent,
        urgency_justification=announcement.urgency_justification, reason=announcement.reason,
        deadlines=announcement.deadlines or [], status=announcement.status,
        withdrawal_reason=announcement.withdrawal_reason)
