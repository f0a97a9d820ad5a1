"""Who a change concerns, and by when it may take effect: the notice rule per affected contract."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import periods
from ..markers import N_
from ..extensions import db
from ..models import ContractTerms, CustomerContract, Processor, Service, contract_service


@dataclass(frozen=True)
class ContractNotice:
    """The deadline to act and the earliest effective date one contract (or terms version) allows."""

    label: str
    terms: ContractTerms
    deadline: periods.Deadline
    contract: CustomerContract | None = None
    outside_eea: bool = False

    @property
    def earliest_effective(self) -> date:
        return self.deadline.day + timedelta(days=1)

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
    def route_label(self) -> str:
        if self.transfer_consent:
            return N_("Consent needed: the change moves data outside the EEA")
        return self.terms.objection_label


def affected_contracts(processor: Processor, services: list[Service]) -> list[CustomerContract]:
    """The contracts with this processor that take any of the services."""
    ids = [s.id for s in services]
    if not ids:
        return []
    return list(db.session.scalars(
        select(CustomerContract)
        .join(contract_service, contract_service.c.contract_id == CustomerContract.id)
        .where(CustomerContract.processor_id == processor.id, contract_service.c.service_id.in_(ids))
        .options(selectinload(CustomerContract.terms), selectinload(CustomerContract.organisation))
        .distinct()
        .order_by(CustomerContract.reference)
    ))


def notices(processor: Processor, services: list[Service], announced_on: date,
            outside_eea: bool = False) -> list[ContractNotice]:
    """One notice per affected contract; the processor's current terms when no contract is affected."""
    contracts = affected_contracts(processor, services)
    if contracts:
        return [ContractNotice(_("contract %(ref)s of %(name)s", ref=c.reference, name=c.organisation.name), c.terms,
                               periods.deadline_to_act(announced_on, c.terms.notice_days), c, outside_eea)
                for c in contracts]
    terms = processor.terms_at(announced_on) or (processor.contract_terms[0] if processor.contract_terms else None)
    if terms is None:
        return []
    return [ContractNotice(_("the contract terms of %(name)s (version %(version)s)", name=processor.name,
                             version=terms.version), terms,
                           periods.deadline_to_act(announced_on, terms.notice_days), None, outside_eea)]


def per_terms(items: list[ContractNotice]) -> list[ContractNotice]:
    """The notices grouped by contract-terms version, for the public page (no controller names)."""
    seen: dict[int, ContractNotice] = {}
    for item in items:
        if item.terms.id not in seen:
            seen[item.terms.id] = ContractNotice(_("contracts under terms version %(version)s", version=item.terms.version),
                                                 item.terms, item.deadline, None, item.outside_eea)
    return list(seen.values())


def binding(items: list[ContractNotice]) -> ContractNotice | None:
    """The notice that allows the latest effective date: the one a change must respect."""
    return max(items, key=lambda n: n.earliest_effective, default=None)
