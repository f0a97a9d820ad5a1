"""Objections under general authorisation: submit, consult, record the outcome (each call one transaction)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from registry.audit import trail
from registry.cases import reading
from registry.cases.case import Case
from registry.exceptions import AlreadyDone, DomainError, NotFound
from registry.extensions import db
from registry.mail import case_mail
from registry.models import OUTCOMES, Objection, ObjectionMessage, Processor, Service, User
from registry.models.types import utcnow
from registry.storage.locks import locked
from registry.storage.transactions import one_transaction
from registry.storage.unique import add_once
from registry.text import Iso, Text, _
from registry.webhooks import events as webhook_events

MIN_GROUND_WORDS = 5
MAX_TEXT = 10_000


def reference(case: Case) -> str:
    """A reference number that names the processor, the announcement and the contract."""
    return f"OBJ-{case.announcement.processor.slug.upper()}-{case.announcement.number:03d}-{case.contract.id:05d}"


def _require_controller(actor: User) -> int:
    if actor.role != "controller" or actor.organisation_id is None:
        raise NotFound(_("Only controller users object."))
    return actor.organisation_id


def check_grounds(grounds: str, article: str | None) -> str:
    text = (grounds or "").strip()
    if not text:
        raise DomainError(_("Give the grounds for your objection."), "grounds")
    if len(text.split()) < MIN_GROUND_WORDS:
        raise DomainError(
            _(
                "Explain your grounds in at least a sentence (%(words)s words or more): the contract lets "
                "you object on reasonable grounds (art. %(article)s).",
                words=MIN_GROUND_WORDS,
                article=article or "-",
            ),
            "grounds",
        )
    if len(text) > MAX_TEXT:
        raise DomainError(_("Keep the grounds under %(count)s characters.", count=f"{MAX_TEXT:,}"), "grounds")
    return text


def _services(case: Case, service_ids: list[int]) -> list[Service]:
    allowed = {s.id: s for s in case.services}
    if not service_ids:
        raise DomainError(_("Choose the services your objection concerns."), "service_ids")
    outside = [i for i in service_ids if i not in allowed]
    if outside:
        raise DomainError(
            _(
                "You can object only for services of your contract %(ref)s that this announcement changes.",
                ref=case.contract.reference,
            ),
            "service_ids",
        )
    return [allowed[i] for i in dict.fromkeys(service_ids)]


def _already(announcement, objection: Objection) -> Text:
    return _(
        "Your organisation objected to announcement #%(number)s already (%(ref)s).",
        number=announcement.number,
        ref=objection.reference,
    )


def check_open(case: Case, today: date) -> None:
    """Why an objection cannot be made now, if it cannot; AlreadyDone when one was made."""
    a = case.announcement
    if case.objection is not None:
        raise AlreadyDone(_already(a, case.objection), case.objection)
    if case.withdrawn:
        raise DomainError(
            _(
                "%(name)s withdrew announcement #%(number)s on %(day)s: the change will not happen, so "
                "there is nothing to object to.",
                name=a.processor.name,
                number=a.number,
                day=a.withdrawn_at.date(),
            )
        )
    if case.consent_route:
        raise DomainError(
            _(
                "Under your contract %(ref)s this change needs your consent (art. %(article)s); grant or "
                "refuse it instead of objecting.",
                ref=case.contract.reference,
                article=case.deadlines.route_article or "-",
            )
        )
    if case.after_contract_end:
        raise DomainError(case.contract_end_reason())
    if case.deadline is not None and today > case.deadline.day:
        raise DomainError(
            _(
                "The deadline to object under contract %(ref)s was the end of %(day)s "
                "(Europe/Amsterdam, art. %(article)s). Objections can no longer be submitted for this "
                "announcement.",
                ref=case.contract.reference,
                day=case.deadline.day,
                article=case.contract.terms.objection_period_article or "-",
            )
        )


@one_transaction
def submit(
    actor: User, announcement_id: int, contract_id: int, grounds: str, service_ids: list[int], today: date
) -> Objection:
    """Record an objection (before the contract's deadline where it states one, else at any time, marked when made
    after the change took effect); mail a copy to the controller and notify the editors."""
    organisation_id = _require_controller(actor)
    case = reading.locked_case(organisation_id, announcement_id, contract_id)
    check_open(case, today)
    text = check_grounds(grounds, case.deadlines.route_article)
    services = _services(case, service_ids)
    contract = case.contract
    objection = Objection(
        reference=reference(case),
        announcement_id=announcement_id,
        contract_id=contract.id,
        processor_id=contract.processor_id,
        organisation_id=organisation_id,
        grounds=text,
        deadline=case.deadline.day if case.deadline else None,
        after_effective=case.in_effect(today),
        submitted_at=utcnow(),
        submitted_by_id=actor.id,
        services=services,
    )
    add_once(
        objection,
        Objection,
        lambda first: _already(case.announcement, first),
        announcement_id=announcement_id,
        contract_id=contract_id,
    )
    trail.record(
        actor,
        "objection.submit",
        objection,
        _(
            "Objection %(ref)s to announcement #%(number)s under contract %(contract)s",
            ref=objection.reference,
            number=case.announcement.number,
            contract=contract.reference,
        ),
        processor_id=contract.processor_id,
        details={
            "services": [s.name for s in services],
            "grounds": text,
            "deadline": case.deadline.day.isoformat() if case.deadline else None,
            "after_effective": case.in_effect(today),
        },
    )
    case_mail.queue(
        "objection.submitted",
        f"objection:{objection.id}:submitted",
        contract,
        announcement_id,
        controller=case_mail.controller_addresses(contract, actor),
        processor=case_mail.editor_addresses(contract.processor_id),
        objection=objection,
        announcement=case.announcement,
    )
    webhook_events.objection_submitted(objection)
    db.session.commit()
    return objection


# The processor's side -------------------------------------------------------------------------------


def _require_editor(actor: User, processor: Processor) -> None:
    if not actor.may_edit(processor):
        raise NotFound(_("No such processor."))


def inbox(actor: User, processor: Processor) -> list[Objection]:
    """The objections against a processor, open ones first, newest first."""
    _require_editor(actor, processor)
    items = db.session.scalars(
        select(Objection)
        .where(Objection.processor_id == processor.id)
        .order_by(Objection.submitted_at.desc(), Objection.id.desc())
    ).all()
    return sorted(items, key=lambda o: not o.is_open)


def of_processor(actor: User, processor: Processor, objection_id: int, lock: bool = False) -> Objection:
    """One objection against the processor (re-read under its lock when `lock`, for a change of its state)."""
    _require_editor(actor, processor)
    objection = locked(Objection, objection_id) if lock else db.session.get(Objection, objection_id)
    if objection is None or objection.processor_id != processor.id:
        raise NotFound(_("No such objection."))
    return objection


def for_actor(actor: User, objection_id: int, processor: Processor | None = None) -> Objection:
    """The objection if this actor is on either side of it; NotFound otherwise."""
    if actor.role == "controller":
        return reading.own_objection(actor.organisation_id, objection_id)
    if processor is None:
        raise NotFound(_("No such objection."))
    return of_processor(actor, processor, objection_id)


@one_transaction
def add_message(actor: User, objection: Objection, body: str) -> ObjectionMessage:
    """A message in the consultation; the other side is told by mail."""
    text = (body or "").strip()
    if not text:
        raise DomainError(_("Write a message before sending it."), "body")
    if len(text) > MAX_TEXT:
        raise DomainError(_("Keep the message under %(count)s characters.", count=f"{MAX_TEXT:,}"), "body")
    side = "controller" if actor.role == "controller" else "processor"
    message = ObjectionMessage(objection_id=objection.id, author_id=actor.id, side=side, body=text, created_at=utcnow())
    db.session.add(message)
    db.session.flush()
    trail.record(
        actor,
        "objection.message",
        objection,
        _("Message from the controller in objection %(ref)s", ref=objection.reference)
        if side == "controller"
        else _("Message from the processor in objection %(ref)s", ref=objection.reference),
        processor_id=objection.processor_id,
        details={"message_id": message.id, "body": text},
    )
    contract = objection.contract
    to_controller = side == "processor"
    case_mail.queue(
        "objection.message",
        f"objection:{objection.id}:message:{message.id}",
        contract,
        objection.announcement_id,
        controller=case_mail.controller_addresses(contract, objection.submitted_by) if to_controller else [],
        processor=[] if to_controller else case_mail.editor_addresses(contract.processor_id),
        objection=objection,
        message=message,
        announcement=objection.announcement,
    )
    db.session.commit()
    return message


@one_transaction
def record_outcome(actor: User, processor: Processor, objection_id: int, outcome: str, note: str) -> Objection:
    """The editor records how the consultation ended; once, and the controller is told."""
    objection = of_processor(actor, processor, objection_id, lock=True)
    if not objection.is_open:
        raise DomainError(
            _(
                "The outcome of %(ref)s was recorded already: %(outcome)s (%(at)s UTC).",
                ref=objection.reference,
                outcome=objection.status_label,
                at=Iso(objection.outcome_at),
            )
        )
    if outcome not in OUTCOMES:
        raise DomainError(_("Choose one of the outcomes listed."), "outcome")
    text = (note or "").strip()
    if not text:
        raise DomainError(_("Say in a note what was agreed or why there is no agreement."), "note")
    if len(text) > MAX_TEXT:
        raise DomainError(_("Keep the note under %(count)s characters.", count=f"{MAX_TEXT:,}"), "note")
    objection.outcome, objection.outcome_note = outcome, text
    objection.outcome_at, objection.outcome_by_id = utcnow(), actor.id
    trail.record(
        actor,
        "objection.outcome",
        objection,
        _("Outcome of objection %(ref)s: %(outcome)s", ref=objection.reference, outcome=OUTCOMES[outcome]),
        processor_id=processor.id,
        details={"outcome": outcome, "note": text},
    )
    contract = objection.contract
    case_mail.queue(
        "objection.outcome",
        f"objection:{objection.id}:outcome",
        contract,
        objection.announcement_id,
        controller=case_mail.controller_addresses(contract, objection.submitted_by),
        objection=objection,
        announcement=objection.announcement,
    )
    db.session.commit()
    return objection
