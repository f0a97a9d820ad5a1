"""Notice of termination after an objection ended without agreement (e.g. Vcare art. 4.1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from registry.audit import trail
from registry.cases import reading
from registry.exceptions import AlreadyDone, DomainError
from registry.extensions import db
from registry.law import periods
from registry.mail import case_mail
from registry.models import CustomerContract, Objection, Termination, User
from registry.models.types import utcnow
from registry.storage.locks import locked
from registry.storage.transactions import one_transaction
from registry.storage.unique import add_once
from registry.text import Iso, Joined, Text, _, english, ngettext
from registry.webhooks import events as webhook_events


@dataclass(frozen=True)
class Window:
    """Whether notice can be given for an objection now, and if so the end date it would have."""

    allowed: bool
    reason: Text | Joined
    end: periods.Deadline | None = None


def window(objection: Objection, today: date) -> Window:
    terms = objection.contract.terms
    article = (
        _("art. %(article)s", article=terms.termination_article) if terms.termination_article else _("the contract")
    )
    existing = db.session.scalar(select(Termination).filter_by(contract_id=objection.contract_id))
    if existing is not None:
        return Window(
            False,
            _(
                "Notice of termination of contract %(ref)s was given on %(day)s (%(notice)s); it ends "
                "at the end of %(end)s.",
                ref=objection.contract.reference,
                day=existing.given_on,
                notice=existing.reference,
                end=existing.end_date,
            ),
        )
    if not terms.termination_allowed or not terms.termination_months:
        refusal = _("Your contract does not let you end it because of an objection (%(article)s).", article=article)
        return Window(False, Joined([refusal, terms.termination_text] if terms.termination_text else [refusal]))
    if objection.outcome != "no_agreement":
        return Window(
            False,
            _(
                "Notice of termination can be given only once the consultation has ended with 'no "
                "agreement' (%(article)s); this objection's state: %(state)s.",
                article=article,
                state=objection.status_label,
            ),
        )
    return Window(
        True,
        ngettext(
            "%(num)s month's notice (%(article)s).",
            "%(num)s months' notice (%(article)s).",
            terms.termination_months,
            article=article,
        ),
        periods.termination_end(today, terms.termination_months),
    )


@one_transaction
def give_notice(actor: User, objection_id: int, today: date, confirmed: bool) -> Termination:
    """Record the notice date and the end date the contract's termination period gives; tell both sides."""
    if actor.role != "controller":
        raise DomainError(_("Only the controller gives notice of termination."))
    objection = reading.own_objection(actor.organisation_id, objection_id)
    # One notice per contract: the contract is ours until we commit; the objection is read as stored now.
    locked(CustomerContract, objection.contract_id)
    objection = locked(Objection, objection.id, shared=True)
    if objection.termination is not None:
        raise AlreadyDone(
            _("Notice was given already (%(ref)s).", ref=objection.termination.reference), objection.termination
        )
    state = window(objection, today)
    if not state.allowed:
        raise DomainError(state.reason)
    if not confirmed:
        raise DomainError(_("Tick the box to confirm that you end the contract."), "confirm")
    contract, terms = objection.contract, objection.contract.terms
    termination = Termination(
        reference=f"TRM-{contract.processor.slug.upper()}-{contract.id:05d}",
        contract_id=contract.id,
        objection_id=objection.id,
        processor_id=contract.processor_id,
        organisation_id=contract.organisation_id,
        given_on=today,
        given_at=utcnow(),
        given_by_id=actor.id,
        months=terms.termination_months,
        end_date=state.end.day,
        article=terms.termination_article,
        rule=english(state.end.explanation),
    )
    add_once(
        termination,
        Termination,
        lambda first: _("Notice was given already (%(ref)s).", ref=first.reference),
        contract_id=contract.id,
    )
    trail.record(
        actor,
        "termination.notice",
        objection,
        _(
            "Notice of termination %(ref)s of contract %(contract)s: given %(given)s, ends at the end of %(end)s",
            ref=termination.reference,
            contract=contract.reference,
            given=Iso(today),
            end=Iso(termination.end_date),
        ),
        processor_id=contract.processor_id,
        details={
            "given_on": today.isoformat(),
            "end_date": termination.end_date.isoformat(),
            "months": termination.months,
            "article": termination.article,
        },
    )
    case_mail.queue(
        "termination.notice",
        f"termination:{termination.id}",
        contract,
        objection.announcement_id,
        controller=case_mail.controller_addresses(contract, actor),
        processor=case_mail.editor_addresses(contract.processor_id),
        objection=objection,
        termination=termination,
        announcement=objection.announcement,
    )
    webhook_events.termination_noticed(termination)
    db.session.commit()
    return termination
