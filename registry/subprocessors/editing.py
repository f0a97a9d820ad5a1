"""A processor editor's changes to services, contract terms and customer contracts."""

from __future__ import annotations

import re
from datetime import date

from slugify import slugify as python_slugify
from sqlalchemy import select

from registry.audit import trail
from registry.exceptions import DomainError, NotFound
from registry.extensions import db
from registry.models import ContractTerms, CustomerContract, Organisation, Processor, Service, User
from registry.models.processor import AUTHORISATIONS, OBJECTION_ROUTES, TRANSFER_RULES
from registry.storage.locks import locked
from registry.storage.transactions import one_transaction
from registry.subprocessors import customer_contracts
from registry.subprocessors.reading import kind_name
from registry.text import Text, _

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(text: str) -> str:
    """A key or slug from a name: ASCII letters and digits joined by single hyphens, at most 64 characters, with
    accented letters spelt out ("Müller" → "muller", "straße" → "strasse") instead of dropped."""
    return python_slugify(text, max_length=64)


def _require_editor(actor: User, processor: Processor) -> None:
    if not actor.may_edit(processor):
        raise NotFound(_("No such processor."))
    # One change at a time per processor: a key or reference checked as free stays free until we commit.
    locked(Processor, processor.id)


def _owned(model, processor: Processor, object_id: int | None):
    """One of the processor's services, terms or contracts, re-read under its lock: a change is judged (and
    audited) against what is stored, not against what this session loaded before."""
    if object_id is None:
        return None
    obj = locked(model, object_id)
    if obj is None or obj.processor_id != processor.id:
        raise NotFound(_("No such %(what)s at %(name)s.", what=kind_name(model), name=processor.name))
    return obj


def _commit(actor: User, action: str, obj, processor: Processor, summary: Text, diff: dict) -> None:
    trail.record(actor, action, obj, summary, processor_id=processor.id, details={"changes": diff})
    db.session.commit()


@one_transaction
def save_service(actor: User, processor: Processor, service_id: int | None, values: dict) -> Service:
    """Create or change a service; its key must be unique within the processor."""
    _require_editor(actor, processor)
    service = _owned(Service, processor, service_id)
    values = dict(values)
    values["key"] = values.get("key") or slugify(values["name"])
    if not SLUG.match(values["key"]):
        raise DomainError(_("The key may hold lower-case letters, digits and single hyphens only."), "key")
    clash = db.session.scalar(select(Service).filter_by(processor_id=processor.id, key=values["key"]))
    if clash is not None and clash is not service:
        raise DomainError(
            _("%(name)s has a service with key '%(key)s' already.", name=processor.name, key=values["key"]), "key"
        )
    if service is None:
        position = len(processor.services)
        service = Service(processor_id=processor.id, position=position, **values)
        db.session.add(service)
        db.session.flush()
        _commit(actor, "service.create", service, processor, _("Added service %(name)s", name=service.name), values)
    else:
        diff = trail.changes(service, values)
        if diff:
            _commit(actor, "service.update", service, processor, _("Changed service %(name)s", name=service.name), diff)
    return service


@one_transaction
def save_terms(actor: User, processor: Processor, terms_id: int | None, values: dict) -> ContractTerms:
    """Create or change a version of the contract terms, checking that the terms hang together."""
    _require_editor(actor, processor)
    terms = _owned(ContractTerms, processor, terms_id)
    _check_terms(values)
    clash = db.session.scalar(select(ContractTerms).filter_by(processor_id=processor.id, version=values["version"]))
    if clash is not None and clash is not terms:
        raise DomainError(
            _("Version '%(version)s' exists already; give this version another name.", version=values["version"]),
            "version",
        )
    if terms is None:
        terms = ContractTerms(processor_id=processor.id, source_document=processor.source_document, **values)
        db.session.add(terms)
        db.session.flush()
        _commit(
            actor,
            "terms.create",
            terms,
            processor,
            _("Added contract terms version %(version)s", version=terms.version),
            audit_safe(values),
        )
    else:
        diff = trail.changes(terms, values)
        if diff:
            _commit(
                actor,
                "terms.update",
                terms,
                processor,
                _("Changed contract terms version %(version)s", version=terms.version),
                diff,
            )
    return terms


def _check_terms(values: dict) -> None:
    if values["authorisation"] not in AUTHORISATIONS:
        raise DomainError(_("Choose general or specific authorisation."), "authorisation")
    if values["objection_route"] not in OBJECTION_ROUTES:
        raise DomainError(_("Choose objection or consent."), "objection_route")
    if values["transfer_rule"] not in TRANSFER_RULES:
        raise DomainError(_("Choose a transfer rule."), "transfer_rule")
    if values["authorisation"] == "specific" and values["objection_route"] != "consent":
        raise DomainError(
            _("Under specific authorisation the controller gives or refuses consent; choose 'consent' as the route."),
            "objection_route",
        )
    if not 1 <= values["notice_days"] <= 365:
        raise DomainError(_("The notice period must be between 1 and 365 days."), "notice_days")
    if values["termination_allowed"] and not values.get("termination_months"):
        raise DomainError(
            _("Give the termination period in months when the contract allows termination."), "termination_months"
        )
    if not values["termination_allowed"]:
        values["termination_months"] = None
    values["notice_source"] = values.get("notice_source") or "policy"
    if values["notice_source"] not in ("policy", "contract"):
        raise DomainError(_("Choose where the notice period comes from."), "notice_source")
    if values.get("notice_source") == "contract" and not values.get("notice_article"):
        raise DomainError(
            _("Give the article that sets the notice period, or choose the processor's policy."), "notice_article"
        )
    if values.get("objection_days") is not None:
        if values["objection_route"] != "objection":
            raise DomainError(_("A period to object applies only where the controller objects."), "objection_days")
        if not 1 <= values["objection_days"] <= 365:
            raise DomainError(_("The period to object must be between 1 and 365 days."), "objection_days")
        if not values.get("objection_period_article"):
            raise DomainError(
                _(
                    "Give the article that sets the period to object: without one, the contract sets "
                    "no deadline and objections are accepted at any time."
                ),
                "objection_period_article",
            )
    else:
        values["objection_period_article"] = None
    if not values.get("consent_reasonable"):
        values["consent_reasonable_article"] = None


def audit_safe(values: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()}


def _check_contract(processor: Processor, contract: CustomerContract | None, values: dict) -> None:
    """Check a contract's terms, services, address and reference; put the chosen rows into `values`."""
    terms = db.session.get(ContractTerms, values.pop("terms_id") or 0)
    service_ids = set(values.pop("service_ids"))
    services = list(db.session.scalars(select(Service).where(Service.id.in_(service_ids))))
    if services and len(services) != len(service_ids):
        raise DomainError(_("Choose services of %(name)s only.", name=processor.name), "service_ids")
    customer_contracts.check_fields(processor, terms, services, values)
    clash = db.session.scalar(
        select(CustomerContract).filter_by(processor_id=processor.id, reference=values["reference"])
    )
    if clash is not None and clash is not contract:
        raise DomainError(
            _("A contract with reference '%(reference)s' exists already.", reference=values["reference"]), "reference"
        )


customers = customer_contracts.customers


@one_transaction
def save_contract(actor: User, processor: Processor, contract_id: int | None, values: dict) -> CustomerContract:
    """Create or change a controller's contract with this processor; its organisation is fixed once it exists."""
    _require_editor(actor, processor)
    contract = _owned(CustomerContract, processor, contract_id)
    values = dict(values)
    organisation_id, organisation_name = values.pop("organisation_id", None), values.pop("organisation_name", None)
    if contract is not None and (organisation_id or organisation_name) and organisation_id != contract.organisation_id:
        # Its notices, objections and delivery history belong to the organisation it was made for.
        raise DomainError(
            _(
                "A contract stays with the organisation it was made for (%(name)s). For another "
                "organisation, add a new contract.",
                name=contract.organisation.name,
            ),
            "organisation_id",
        )
    _check_contract(processor, contract, values)
    organisation = _organisation(actor, processor, organisation_id, organisation_name) if contract is None else None
    contract, _changes = customer_contracts.store(actor, processor, contract, values, organisation)
    db.session.commit()
    return contract


def _organisation(actor: User, processor: Processor, organisation_id: int | None, new_name: str | None) -> Organisation:
    """One of the customers the actor may choose, or a new organisation by the name typed."""
    choosable = customers(actor, processor)
    if organisation_id:
        chosen = next((o for o in choosable if o.id == organisation_id), None)
        if chosen is None:
            raise DomainError(
                _(
                    "Choose one of the organisations in the list (the customers of %(name)s), or type "
                    "the name of a new organisation.",
                    name=processor.name,
                ),
                "organisation_id",
            )
        return chosen
    name = new_name or ""
    return customer_contracts.known_customer(choosable, name) or customer_contracts.new_organisation(name)
