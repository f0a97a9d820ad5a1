"""A contract's registry as its controller sees it: the sub-processors of its services, today and announced, each
marked with what the controller's own decisions mean for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from registry.cases.case import Case
from registry.cases.reading import cases, own_contract
from registry.extensions import db
from registry.models import Engagement, Service, SubProcessor
from registry.text import Text, _, lower


@dataclass(frozen=True)
class Mark:
    """What the controller's own decisions mean for one engagement: shown beside it in its registry view."""

    text: Text
    blocked: bool = False


def mark(item: Case) -> Mark | None:
    if item.withdrawn or item.after_contract_end:
        return None
    if item.consent_route:
        if item.consent is None:
            return Mark(
                _(
                    "Pending your consent (announcement #%(number)s): not to be used for your services until "
                    "you grant it.",
                    number=item.announcement.number,
                ),
                blocked=True,
            )
        if item.consent.granted:
            return Mark(_("You granted consent (%(ref)s).", ref=item.consent.reference))
        return Mark(
            _("You refused consent (%(ref)s): may not be used for your services.", ref=item.consent.reference),
            blocked=True,
        )
    objection = item.objection
    if objection is None:
        return None
    if objection.outcome == "dropped":
        return Mark(
            _("Dropped for your organisation after your objection (%(ref)s).", ref=objection.reference), blocked=True
        )
    if objection.outcome == "adapted":
        return Mark(
            _(
                "Adapted for your organisation after your objection (%(ref)s): %(note)s",
                ref=objection.reference,
                note=objection.outcome_note,
            )
        )
    return Mark(_("You objected (%(ref)s): %(state)s.", ref=objection.reference, state=lower(objection.status_label)))


@dataclass
class ContractRow:
    engagement: Engagement
    marks: list[Mark]
    upcoming: bool

    @property
    def blocked(self) -> bool:
        return any(m.blocked for m in self.marks)


def contract_registry(organisation_id: int, contract_id: int, today: date) -> dict[Service, list[ContractRow]]:
    """The sub-processors of the contract's services, today and announced, with the controller's decisions."""
    contract = own_contract(organisation_id, contract_id)
    marks = {
        item.announcement.id: m
        for item in cases(organisation_id, contract_id=contract.id)
        if (m := mark(item)) is not None
    }
    service_ids = [s.id for s in contract.services]
    engagements = db.session.scalars(
        select(Engagement)
        .where(
            Engagement.service_id.in_(service_ids or [-1]),
            Engagement.cancelled.is_(False),
            or_(Engagement.valid_until.is_(None), Engagement.valid_until > today),
        )
        .options(selectinload(Engagement.sub_processor).selectinload(SubProcessor.locations))
    ).all()
    rows: dict[int, list[ContractRow]] = {}
    for e in sorted(engagements, key=lambda e: (e.valid_from > today, e.sub_processor.name.lower())):
        related = [e.announcement_id] + [loc.announcement_id for loc in e.sub_processor.locations]
        found = [marks[a] for a in dict.fromkeys(related) if a in marks]
        rows.setdefault(e.service_id, []).append(ContractRow(e, found, e.valid_from > today))
    return {service: rows.get(service.id, []) for service in contract.services}
