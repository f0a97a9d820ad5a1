"""Consent under specific authorisation (and for transfers outside the EEA where the contract asks for it)."""

from __future__ import annotations

from sqlalchemy import select

from registry.audit import trail
from registry.cases import reading
from registry.cases.case import Case
from registry.exceptions import AlreadyDone, DomainError, NotFound
from registry.extensions import db
from registry.mail import case_mail
from registry.models import DECISIONS, ConsentDecision, User
from registry.models.types import utcnow
from registry.storage.transactions import one_transaction
from registry.storage.unique import add_once
from registry.text import Text, _, lower
from registry.webhooks import events as webhook_events

MIN_REASON_WORDS = 5
MAX_TEXT = 10_000


def reference(case: Case) -> str:
    return f"CON-{case.announcement.processor.slug.upper()}-{case.announcement.number:03d}-{case.contract.id:05d}"


def _already(announcement, decision: ConsentDecision) -> Text:
    return _(
        "Your organisation decided on announcement #%(number)s already: %(decision)s (%(ref)s).",
        number=announcement.number,
        decision=lower(decision.label),
        ref=decision.reference,
    )


def check_open(case: Case) -> None:
    a = case.announcement
    if case.consent is not None:
        raise AlreadyDone(_already(a, case.consent), case.consent)
    if case.withdrawn:
        raise DomainError(
            _(
                "%(name)s withdrew announcement #%(number)s: the change will not happen, so no consent is needed.",
                name=a.processor.name,
                number=a.number,
            )
        )
    if case.after_contract_end:
        raise DomainError(case.contract_end_reason())
    if not case.consent_route:
        raise DomainError(
            _(
                "Under your contract %(ref)s this change needs no consent: you may object to it instead "
                "(art. %(article)s).",
                ref=case.contract.reference,
                article=case.deadlines.route_article or "-",
            )
        )


@one_transaction
def decide(actor: User, announcement_id: int, contract_id: int, decision: str, note: str) -> ConsentDecision:
    """Grant or refuse consent, once. A refusal needs reasons only where the contract says consent may not be
    unreasonably withheld (e.g. Contict art. 5.1); elsewhere reasons are optional."""
    if actor.role != "controller" or actor.organisation_id is None:
        raise NotFound(_("Only controller users decide on consent."))
    case = reading.locked_case(actor.organisation_id, announcement_id, contract_id)
    check_open(case)
    if decision not in DECISIONS:
        raise DomainError(_("Choose whether you grant or refuse consent."), "decision")
    text = (note or "").strip()
    terms = case.contract.terms
    if decision == "refused" and terms.consent_reasonable and len(text.split()) < MIN_REASON_WORDS:
        raise DomainError(
            _(
                "Give your reasons for refusing in at least a sentence (%(words)s words or more): your "
                "contract says consent may not be unreasonably withheld (art. %(article)s).",
                words=MIN_REASON_WORDS,
                article=terms.consent_reasonable_article or "-",
            ),
            "note",
        )
    if len(text) > MAX_TEXT:
        raise DomainError(_("Keep the note under %(count)s characters.", count=f"{MAX_TEXT:,}"), "note")
    contract = case.contract
    item = ConsentDecision(
        reference=reference(case),
        announcement_id=announcement_id,
        contract_id=contract.id,
        processor_id=contract.processor_id,
        organisation_id=contract.organisation_id,
        decision=decision,
        note=text or None,
        decided_at=utcnow(),
        decided_by_id=actor.id,
    )
    add_once(
        item,
        ConsentDecision,
        lambda first: _already(case.announcement, first),
        announcement_id=announcement_id,
        contract_id=contract_id,
    )
    trail.record(
        actor,
        f"consent.{decision}",
        item,
        _(
            "%(decision)s (%(ref)s) for announcement #%(number)s under contract %(contract)s",
            decision=DECISIONS[decision],
            ref=item.reference,
            number=case.announcement.number,
            contract=contract.reference,
        ),
        processor_id=contract.processor_id,
        details={"decision": decision, "note": text},
    )
    case_mail.queue(
        "consent.decision",
        f"consent:{item.id}",
        contract,
        announcement_id,
        controller=case_mail.controller_addresses(contract, actor),
        processor=case_mail.editor_addresses(contract.processor_id),
        decision=item,
        announcement=case.announcement,
    )
    webhook_events.consent_decided(item)
    db.session.commit()
    return item


def of_processor(processor_id: int) -> list[ConsentDecision]:
    return list(
        db.session.scalars(
            select(ConsentDecision)
            .where(ConsentDecision.processor_id == processor_id)
            .order_by(ConsentDecision.decided_at.desc(), ConsentDecision.id.desc())
        )
    )
