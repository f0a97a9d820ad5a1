"""Mail about objections, consent and termination notices, queued in the transaction of the step (no commits)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from registry.audit import checkpoints
from registry.extensions import db
from registry.mail import composing
from registry.mail.links import Place, url
from registry.mail.outbox import checkpoint_facts, row_values
from registry.models import CustomerContract, OutboxMessage, User
from registry.models.types import utcnow


def controller_addresses(contract: CustomerContract, *people: User | None) -> list[tuple[str, str]]:
    """(address, language): the contract's notice address in its notice language, and the controller users
    involved in their own language (else the contract's), each address once."""
    found = [(contract.notice_email, contract.notice_language)] + [
        (p.email, p.language or contract.notice_language) for p in people if p is not None and p.role == "controller"
    ]
    languages: dict[str, str] = {}
    for address, language in found:
        languages.setdefault(address.lower(), language)
    return list(languages.items())


def editor_addresses(processor_id: int) -> list[tuple[str, str]]:
    """(address, language) of every active editor of the processor; the site's default language if none chosen."""
    default = current_app.config["DEFAULT_LANGUAGE"]
    rows = db.session.execute(
        select(User.email, User.language)
        .where(User.role == "editor", User.processor_id == processor_id, User.active.is_(True))
        .order_by(User.email)
    )
    return [(email, language or default) for email, language in rows]


def queue(
    step: str,
    key: str,
    contract: CustomerContract,
    announcement_id: int | None,
    *,
    controller: list[tuple[str, str]] = (),
    processor: list[tuple[str, str]] = (),
    **facts,
) -> int:
    """Queue one message per (address, language): `controller` addresses get the controller's link, `processor`
    the editors'; one body per audience and language.

    `key` names the step uniquely (e.g. 'objection:7:submitted'), so that each address gets it once: an address on
    both sides (a contract whose notice address is an editor's) gets the controller's message, which is the notice.
    """
    now = utcnow()
    count = 0
    signed = checkpoint_facts(_receipt_checkpoint(step, facts))
    queued: set[str] = set()
    for audience, recipients in (("controller", controller), ("processor", processor)):
        bodies = {}
        for address, language in recipients:
            if address.lower() in queued:
                continue
            queued.add(address.lower())
            if language not in bodies:
                bodies[language] = composing.body(
                    "case",
                    language,
                    step=step,
                    audience=audience,
                    contract=contract,
                    link=_link(audience, facts),
                    **signed,
                    **facts,
                )
            body = bodies[language]
            db.session.add(
                OutboxMessage(
                    **row_values(
                        step.split(".")[0],
                        address,
                        body,
                        f"{key}:{address}",
                        now,
                        processor_id=contract.processor_id,
                        announcement_id=announcement_id,
                        contract_id=contract.id,
                    )
                )
            )
            count += 1
    return count


def _receipt_checkpoint(step: str, facts: dict):
    """A receipt (objection, notice of termination, consent decision) carries the checkpoint that covers it."""
    if step == "objection.submitted":
        return checkpoints.covering_event("Objection", facts["objection"].id, ("objection.submit",))
    if step == "termination.notice":
        return checkpoints.for_termination(facts["objection"])
    if step == "consent.decision":
        return checkpoints.for_consent(facts["decision"])
    return None


def _link(audience: str, facts: dict) -> str:
    """The objection or consent decision the mail is about, where its reader (controller or processor) sees it."""
    objection, decision = facts.get("objection"), facts.get("decision")
    if audience == "controller":
        if objection is not None:
            return url(Place.OBJECTION_FOR_CONTROLLER, objection_id=objection.id)
        return url(Place.CONSENT_FOR_CONTROLLER, consent_id=decision.id)
    if objection is not None:
        return url(Place.OBJECTION_FOR_PROCESSOR, slug=objection.contract.processor.slug, objection_id=objection.id)
    return url(Place.OBJECTIONS_FOR_PROCESSOR, slug=decision.contract.processor.slug)
