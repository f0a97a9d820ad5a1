"""What each published announcement asks of each contract it touches: object or consent, and by when.

Read-only; scoped to one organisation, so that a controller can never reach
another organisation's contract, objection or consent through these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from registry.announcements import deadlines
from registry.announcements.deadlines import ContractDeadlines
from registry.announcements.summary import describe
from registry.exceptions import NotFound
from registry.extensions import db
from registry.law import periods
from registry.models import (
    Announcement,
    ConsentDecision,
    CustomerContract,
    Engagement,
    Objection,
    Service,
    SubProcessor,
    Termination,
    announcement_service,
)
from registry.storage.locks import locked
from registry.text import Joined, Text, _, lower


def announced_on(announcement: Announcement) -> date:
    """The calendar day (Europe/Amsterdam) on which an announcement was published: its periods run from it."""
    return periods.local_day(announcement.published_at)


def contract_deadlines(contract: CustomerContract, announcement: Announcement) -> ContractDeadlines:
    """The route (object or consent) and any objection period this contract's own terms give for an announcement."""
    return deadlines.contract_deadlines(
        f"contract {contract.reference} of {contract.organisation.name}",
        contract.terms,
        announced_on(announcement),
        contract,
        bool(describe(announcement).outside_eea),
    )


@dataclass
class Case:
    """One announcement as it touches one contract, with what the controller did about it."""

    announcement: Announcement
    contract: CustomerContract
    deadlines: ContractDeadlines
    services: list[Service]
    objection: Objection | None
    consent: ConsentDecision | None
    termination: Termination | None = None

    @property
    def consent_route(self) -> bool:
        return self.deadlines.consent

    @property
    def deadline(self) -> periods.Deadline | None:
        """The last day to object, only where the contract states an objection period."""
        return self.deadlines.objection_deadline

    @property
    def effective_date(self) -> date:
        return self.announcement.effective_date

    @property
    def withdrawn(self) -> bool:
        return self.announcement.status == "withdrawn"

    @property
    def after_contract_end(self) -> bool:
        """The contract ends (after notice of termination) before the change takes effect: nothing to decide."""
        return self.termination is not None and self.effective_date > self.termination.end_date

    def contract_end_reason(self) -> Text:
        """Why the controller has nothing to decide: its contract ends before the change takes effect."""
        return _(
            "Your contract %(ref)s ends on %(end)s (notice %(notice)s), before this change takes effect on "
            "%(day)s: it does not concern your contract.",
            ref=self.contract.reference,
            end=self.termination.end_date,
            notice=self.termination.reference,
            day=self.effective_date,
        )

    def in_effect(self, today: date) -> bool:
        return today >= self.effective_date

    def days_until_effective(self, today: date) -> int:
        return (self.effective_date - today).days

    def open_for_objection(self, today: date) -> bool:
        """Whether the controller may object now: until its contract's deadline, or at any time where it has none."""
        if self.consent_route or self.withdrawn or self.objection is not None or self.after_contract_end:
            return False
        return self.deadline is None or today <= self.deadline.day

    def open_for_consent(self) -> bool:
        return self.consent_route and not self.withdrawn and self.consent is None and not self.after_contract_end

    def needs_attention(self, today: date) -> bool:
        return (self.open_for_objection(today) and not self.in_effect(today)) or self.open_for_consent()

    def state(self, today: date) -> Text | Joined:
        """The state in a few words, for the dashboard."""
        if self.withdrawn:
            return _("Withdrawn by the processor")
        if self.after_contract_end:
            return _(
                "Your contract ends on %(end)s (%(ref)s), before this change takes effect: nothing to decide.",
                end=self.termination.end_date,
                ref=self.termination.reference,
            )
        if self.consent_route:
            if self.consent is not None:
                return Joined([self.consent.label, f"({self.consent.reference})"])
            return _("Pending your consent")
        if self.objection is not None:
            state = _(
                "Objected (%(ref)s): %(state)s", ref=self.objection.reference, state=lower(self.objection.status_label)
            )
            if self.objection.after_effective:
                return Joined([state, _("(made after the change took effect)")])
            return state
        if self.deadline is not None:
            if today <= self.deadline.day:
                return _(
                    "You may object until the end of %(day)s (art. %(article)s)",
                    day=self.deadline.day,
                    article=self.contract.terms.objection_period_article or "-",
                )
            return _(
                "No objection made; the deadline of art. %(article)s has passed",
                article=self.contract.terms.objection_period_article or "-",
            )
        if not self.in_effect(today):
            return _(
                "You may object; your contract sets no deadline. The change takes effect on %(day)s.",
                day=self.effective_date,
            )
        return _(
            "You may still object: your contract sets no deadline. The change took effect on %(day)s; an "
            "objection now is recorded as made after it took effect.",
            day=self.effective_date,
        )


def contracts_of(organisation_id: int) -> list[CustomerContract]:
    return list(
        db.session.scalars(
            select(CustomerContract)
            .where(CustomerContract.organisation_id == organisation_id)
            .options(
                selectinload(CustomerContract.services),
                selectinload(CustomerContract.terms),
                selectinload(CustomerContract.processor),
                selectinload(CustomerContract.organisation),
            )
            .order_by(CustomerContract.reference)
        )
    )


def own_contract(organisation_id: int, contract_id: int) -> CustomerContract:
    contract = db.session.get(CustomerContract, contract_id)
    if contract is None or contract.organisation_id != organisation_id:
        raise NotFound(_("No such contract of your organisation."))
    return contract


def cases(organisation_id: int, announcement_id: int | None = None, contract_id: int | None = None) -> list[Case]:
    """Every (published or withdrawn) announcement × contract of the organisation it touches, newest first."""
    contracts = [c for c in contracts_of(organisation_id) if contract_id is None or c.id == contract_id]
    if not contracts:
        return []
    service_ids = {s.id for c in contracts for s in c.services}
    touching = select(announcement_service.c.announcement_id).where(announcement_service.c.service_id.in_(service_ids))
    query = (
        select(Announcement)
        .where(
            Announcement.status.in_(("published", "withdrawn")),
            Announcement.processor_id.in_({c.processor_id for c in contracts}),
            Announcement.id.in_(touching),
        )
        .options(
            selectinload(Announcement.services),
            selectinload(Announcement.processor),
            selectinload(Announcement.target),
            selectinload(Announcement.entity),
        )
        .order_by(Announcement.published_at.desc(), Announcement.id.desc())
    )
    if announcement_id is not None:
        query = query.where(Announcement.id == announcement_id)
    announcements = list(db.session.scalars(query))
    contract_ids = [c.id for c in contracts]
    objections = {
        (o.announcement_id, o.contract_id): o
        for o in db.session.scalars(select(Objection).where(Objection.contract_id.in_(contract_ids)))
    }
    consents = {
        (d.announcement_id, d.contract_id): d
        for d in db.session.scalars(select(ConsentDecision).where(ConsentDecision.contract_id.in_(contract_ids)))
    }
    terminations = {
        t.contract_id: t
        for t in db.session.scalars(select(Termination).where(Termination.contract_id.in_(contract_ids)))
    }
    found = []
    for announcement in announcements:
        for contract in contracts:
            if contract.processor_id != announcement.processor_id:
                continue
            own = {s.id for s in contract.services}
            services = [s for s in announcement.services if s.id in own]
            if not services:
                continue
            key = (announcement.id, contract.id)
            found.append(
                Case(
                    announcement,
                    contract,
                    contract_deadlines(contract, announcement),
                    services,
                    objections.get(key),
                    consents.get(key),
                    terminations.get(contract.id),
                )
            )
    return found


def case(organisation_id: int, announcement_id: int, contract_id: int) -> Case:
    """One announcement as it touches one of the organisation's contracts; NotFound when it does not."""
    found = cases(organisation_id, announcement_id, contract_id)
    if not found:
        raise NotFound(_("This announcement does not concern that contract of your organisation."))
    return found[0]


def locked_case(organisation_id: int, announcement_id: int, contract_id: int) -> Case:
    """As `case`, for recording what the controller decides: the announcement is held as it is (a withdrawal
    waits) and the contract is ours alone until we commit, both re-read under their locks."""
    announcement = locked(Announcement, announcement_id, shared=True)
    contract = locked(CustomerContract, contract_id)
    if announcement is None or contract is None or contract.organisation_id != organisation_id:
        raise NotFound(_("This announcement does not concern that contract of your organisation."))
    return case(organisation_id, announcement_id, contract_id)


def objections_of(organisation_id: int) -> list[Objection]:
    return list(
        db.session.scalars(
            select(Objection)
            .where(Objection.organisation_id == organisation_id)
            .order_by(Objection.submitted_at.desc(), Objection.id.desc())
        )
    )


def consents_of(organisation_id: int) -> list[ConsentDecision]:
    return list(
        db.session.scalars(
            select(ConsentDecision)
            .where(ConsentDecision.organisation_id == organisation_id)
            .order_by(ConsentDecision.decided_at.desc(), ConsentDecision.id.desc())
        )
    )


def terminations_of(organisation_id: int) -> list[Termination]:
    return list(
        db.session.scalars(
            select(Termination)
            .where(Termination.organisation_id == organisation_id)
            .order_by(Termination.given_at.desc())
        )
    )


def own_objection(organisation_id: int, objection_id: int) -> Objection:
    objection = db.session.get(Objection, objection_id)
    if objection is None or objection.organisation_id != organisation_id:
        raise NotFound(_("No such objection of your organisation."))
    return objection


def own_consent(organisation_id: int, consent_id: int) -> ConsentDecision:
    decision = db.session.get(ConsentDecision, consent_id)
    if decision is None or decision.organisation_id != organisation_id:
        raise NotFound(_("No such consent decision of your organisation."))
    return decision


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
