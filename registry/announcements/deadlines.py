"""Who a change concerns, and by when it may take effect: the notice rule per affected contract."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from registry.extensions import db
from registry.law import periods
from registry.models import ContractTerms, CustomerContract, Processor, Service, contract_service
from registry.text import Text, _

TRANSFER_CONSENT = _("Consent needed: the change moves data outside the EEA")


@dataclass(frozen=True)
class ContractDeadlines:
    """What one contract (or terms version) gives for a change: the processor's notice period and, where the
    contract states one, the controller's period to object."""

    label: Text | str
    terms: ContractTerms
    notice_end: periods.Deadline
    contract: CustomerContract | None = None
    outside_eea: bool = False
    objection_deadline: periods.Deadline | None = None

    @property
    def earliest_effective(self) -> date:
        return self.notice_end.day + timedelta(days=1)

    @property
    def transfer_consent(self) -> bool:
        """The change moves data outside the EEA and these terms require consent for that (e.g. Vcare 5.3)."""
        return self.outside_eea and self.terms.consent_needed_outside_eea

    @property
    def consent(self) -> bool:
        return self.terms.objection_route == "consent" or self.transfer_consent

    @property
    def route_article(self) -> str | None:
        return self.terms.transfer_article if self.transfer_consent else self.terms.objection_article

    @property
    def route_label(self) -> Text | str:
        if self.transfer_consent:
            return TRANSFER_CONSENT
        return self.terms.objection_label

    @property
    def notice_source_label(self) -> Text:
        """Where the notice period comes from: the contract's article, or the processor's own policy."""
        if self.terms.notice_in_contract:
            return _("art. %(article)s", article=self.terms.notice_article or "-")
        return _("the processor's policy, not in the contract")


def contract_deadlines(
    label: Text | str,
    terms: ContractTerms,
    announced_on: date,
    contract: CustomerContract | None = None,
    outside_eea: bool = False,
) -> ContractDeadlines:
    """The notice period and any objection period that these terms give for a change announced on a day."""
    objection = (
        periods.deadline_to_act(announced_on, terms.objection_days)
        if terms.objection_days is not None and terms.objection_route == "objection"
        else None
    )
    return ContractDeadlines(
        label, terms, periods.notice_period(announced_on, terms.notice_days), contract, outside_eea, objection
    )


def affected_contracts(processor: Processor, services: list[Service]) -> list[CustomerContract]:
    """The contracts with this processor that take any of the services."""
    ids = [s.id for s in services]
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(CustomerContract)
            .join(contract_service, contract_service.c.contract_id == CustomerContract.id)
            .where(CustomerContract.processor_id == processor.id, contract_service.c.service_id.in_(ids))
            .options(selectinload(CustomerContract.terms), selectinload(CustomerContract.organisation))
            .distinct()
            .order_by(CustomerContract.reference)
        )
    )


def per_contract(
    processor: Processor, services: list[Service], announced_on: date, outside_eea: bool = False
) -> list[ContractDeadlines]:
    """One notice per affected contract; the processor's current terms when no contract is affected."""
    contracts = affected_contracts(processor, services)
    if contracts:
        return [
            contract_deadlines(
                _("contract %(ref)s of %(name)s", ref=c.reference, name=c.organisation.name),
                c.terms,
                announced_on,
                c,
                outside_eea,
            )
            for c in contracts
        ]
    terms = processor.terms_at(announced_on) or (processor.contract_terms[0] if processor.contract_terms else None)
    if terms is None:
        return []
    return [
        contract_deadlines(
            _("the contract terms of %(name)s (version %(version)s)", name=processor.name, version=terms.version),
            terms,
            announced_on,
            None,
            outside_eea,
        )
    ]


def per_terms(items: list[ContractDeadlines]) -> list[ContractDeadlines]:
    """The notices grouped by contract-terms version, for the public page (no controller names)."""
    seen: dict[int, ContractDeadlines] = {}
    for item in items:
        if item.terms.id not in seen:
            seen[item.terms.id] = ContractDeadlines(
                _("contracts under terms version %(version)s", version=item.terms.version),
                item.terms,
                item.notice_end,
                None,
                item.outside_eea,
                item.objection_deadline,
            )
    return list(seen.values())


def binding(items: list[ContractDeadlines]) -> ContractDeadlines | None:
    """The notice that allows the latest effective date: the one a change must respect."""
    return max(items, key=lambda n: n.earliest_effective, default=None)
