"""Demo organisation, contracts and accounts for `make run`."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select

from registry.accounts import users
from registry.audit import trail
from registry.exceptions import DomainError
from registry.extensions import db
from registry.models import CustomerContract, Organisation, Processor, Service, User
from registry.text import _


def load_demo(seed_dir: Path) -> list[tuple[str, str, str]]:
    """Create what is missing of the demo; return (email, role, password) of accounts created now."""
    data = yaml.safe_load((seed_dir / "demo.yaml").read_text(encoding="utf-8"))
    try:
        for spec in data["organisations"]:
            _organisation(spec)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    wanted = list(data["accounts"])
    for processor in db.session.scalars(select(Processor).order_by(Processor.slug)):
        wanted.append({"email": f"editor@{processor.slug}.example", "role": "editor", "org": processor.slug})
    created = []
    for account in wanted:
        if db.session.scalar(select(User).filter_by(email=account["email"])):
            continue
        password = users.generated_password()
        users.create_user(account["email"], account["role"], account.get("org"), password, actor="demo")
        created.append((account["email"], account["role"], password))
    return created


def _organisation(spec: dict) -> None:
    organisation = db.session.scalar(select(Organisation).filter_by(slug=spec["slug"]))
    if organisation is None:
        organisation = Organisation(slug=spec["slug"], name=spec["name"])
        db.session.add(organisation)
        db.session.flush()
        trail.record(
            "demo", "organisation.create", organisation, _("Created organisation %(name)s", name=organisation.name)
        )
    for contract_spec in spec.get("contracts", []):
        processor = db.session.scalar(select(Processor).filter_by(slug=contract_spec["processor"]))
        if processor is None:
            raise DomainError(f"demo.yaml: no processor '{contract_spec['processor']}'; run `flask seed` first")
        exists = db.session.scalar(
            select(CustomerContract).filter_by(processor_id=processor.id, reference=contract_spec["reference"])
        )
        if exists:
            continue
        services = db.session.scalars(
            select(Service).where(Service.processor_id == processor.id, Service.key.in_(contract_spec["services"]))
        ).all()
        contract = CustomerContract(
            processor=processor,
            organisation=organisation,
            reference=contract_spec["reference"],
            start_date=contract_spec["start_date"],
            terms=processor.contract_terms[0],
            notice_email=contract_spec["notice_email"],
            notice_language=contract_spec.get("notice_language", "nl"),
            services=list(services),
        )
        db.session.add(contract)
        trail.record(
            "demo",
            "contract.create",
            contract,
            _("Created contract %(ref)s of %(name)s", ref=contract.reference, name=organisation.name),
            processor_id=processor.id,
        )
