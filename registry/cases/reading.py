"""What each published announcement asks of each contract it touches: object or consent, and by when.

Read-only; scoped to one organisation, so that a controller can never reach
another organisation's contract, objection or consent through these functions.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from registry.cases.case import Case, contract_deadlines
from registry.exceptions import NotFound
from registry.extensions import db
from registry.models import (
    Announcement,
    ConsentDecision,
    CustomerContract,
    Objection,
    Termination,
    announcement_service,
)
from registry.storage.locks import locked
from registry.text import _


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
