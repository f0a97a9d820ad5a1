"""The rules of a customer contract, one set for the contract form (editing.save_contract) and the contract import
(imports.contracts): whose customers an editor may choose, when a typed name is a customer already and when it
makes a new organisation, what a contract's fields must hold, and storing a contract with its audit entry (the
caller holds the processor's lock and commits)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from registry.accounts import users
from registry.audit import trail
from registry.exceptions import DomainError
from registry.extensions import db
from registry.models import LANGUAGES, ContractTerms, CustomerContract, Organisation, Processor, Service, User
from registry.text import _

MAX_REFERENCE = 200
MAX_NAME = 200


def customers(actor: User, processor: Processor) -> list[Organisation]:
    """The organisations a contract of `processor` may be made for: its own customers (those with a contract
    with it); the portal's operator (a site admin) may choose any organisation."""
    query = select(Organisation).order_by(func.lower(Organisation.name), Organisation.id)
    if not actor.is_admin:
        query = query.where(
            Organisation.id.in_(
                select(CustomerContract.organisation_id).where(CustomerContract.processor_id == processor.id)
            )
        )
    return list(db.session.scalars(query))


def organisation_slug(name: str) -> str:
    """The slug a typed organisation name is known by; refused when there is no name or nothing a slug keeps."""
    from registry.subprocessors.editing import slugify  # editing builds on this module

    if not name.strip():
        raise DomainError(_("Choose the controller organisation or type the name of a new one."), "organisation_name")
    slug = slugify(name.strip())
    if not slug:
        raise DomainError(_("The organisation name needs at least one letter or digit."), "organisation_name")
    return slug


def known_customer(choosable: list[Organisation], name: str) -> Organisation | None:
    """The organisation among those the actor may choose that a typed name means, or None: a new one. Another
    processor's customer of the same name stays out of reach (and out of sight): for this processor it is new."""
    slug = organisation_slug(name)
    return next((o for o in choosable if o.slug == slug), None)


def new_organisation(name: str) -> Organisation:
    """A new organisation by the name typed, with a slug no other organisation has."""
    name = name.strip()
    slug = organisation_slug(name)
    taken = set(db.session.scalars(select(Organisation.slug).where(Organisation.slug.startswith(slug))))
    unique, n = slug, 2
    while unique in taken:
        unique, n = f"{slug[:60]}-{n}", n + 1
    organisation = Organisation(slug=unique, name=name)
    db.session.add(organisation)
    db.session.flush()
    return organisation


def check_fields(processor: Processor, terms: ContractTerms | None, services: list[Service], values: dict) -> None:
    """Check a contract's reference, terms, services, notice language and address; put the terms, the services
    (in the processor's order) and the address in its canonical form into `values`."""
    reference = (values.get("reference") or "").strip()
    if not reference:
        raise DomainError(_("Give the contract reference."), "reference")
    if len(reference) > MAX_REFERENCE:
        raise DomainError(
            _("The contract reference is longer than %(count)d characters.", count=MAX_REFERENCE), "reference"
        )
    if terms is None or terms.processor_id != processor.id:
        raise DomainError(_("Choose one of the contract-terms versions of %(name)s.", name=processor.name), "terms_id")
    if not services:
        raise DomainError(_("Choose at least one service the controller takes."), "service_ids")
    if any(s.processor_id != processor.id for s in services):
        raise DomainError(_("Choose services of %(name)s only.", name=processor.name), "service_ids")
    if values.get("notice_language", "nl") not in LANGUAGES:
        raise DomainError(_("Choose English or Nederlands."), "notice_language")
    try:
        values["notice_email"] = users.normalise_email(values.get("notice_email") or "")
    except DomainError as error:
        raise DomainError(error.message, "notice_email") from error
    values.update(reference=reference, terms=terms, services=sorted(set(services), key=lambda s: s.position))


def differences(contract: CustomerContract, values: dict) -> dict:
    """What storing `values` would change in `contract`: {name: [old, new]}, as the audit entry records it."""
    return {
        name: [trail._plain(getattr(contract, name)), trail._plain(new)]
        for name, new in values.items()
        if getattr(contract, name) != new
    }


def store(
    actor: User,
    processor: Processor,
    contract: CustomerContract | None,
    values: dict,
    organisation: Organisation | None = None,
) -> tuple[CustomerContract, dict]:
    """Make a new contract for `organisation`, or change `contract`, with checked `values`; record the change in
    the audit log. The changes ({} when nothing changed); no commit (the caller's transaction)."""
    if contract is None:
        contract = CustomerContract(processor_id=processor.id, organisation=organisation, **values)
        db.session.add(contract)
        db.session.flush()
        made = {k: trail._plain(v) for k, v in {**values, "organisation": organisation}.items()}
        trail.record(
            actor,
            "contract.create",
            contract,
            _("Added contract %(ref)s of %(name)s", ref=contract.reference, name=organisation.name),
            processor_id=processor.id,
            details={"changes": {k: (v.isoformat() if isinstance(v, date) else v) for k, v in made.items()}},
        )
        return contract, made
    diff = trail.changes(contract, values)
    if diff:
        trail.record(
            actor,
            "contract.update",
            contract,
            _("Changed contract %(ref)s", ref=contract.reference),
            processor_id=processor.id,
            details={"changes": diff},
        )
    return contract, diff
