"""Test data built through the same services users go through."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from sqlalchemy import select

from registry.accounts import users as accounts
from registry.extensions import db
from registry.models import CustomerContract, Organisation, Processor, Service, User

PASSWORD = "correct horse battery"


def make_user(email: str, role: str, org: str | None = None) -> User:
    return accounts.create_user(email, role, org, PASSWORD, actor="test")


def organisation(slug: str, name: str) -> Organisation:
    org = db.session.scalar(select(Organisation).filter_by(slug=slug))
    if org is None:
        org = Organisation(slug=slug, name=name)
        db.session.add(org)
        db.session.commit()
    return org


def make_users() -> SimpleNamespace:
    organisation("praktijk-b", "Praktijk B")
    return SimpleNamespace(
        admin=make_user("root@example.org", "admin"),
        vcare_editor=make_user("ed@vcare.example.org", "editor", "vcare"),
        vtm_editor=make_user("ed@vtm.example.org", "editor", "vtm"),
        controller_a=make_user("a@praktijk-x.example.org", "controller", "huisartsenpraktijk-x"),
        controller_b=make_user("b@praktijk-b.example.org", "controller", "praktijk-b"),
    )


def sub_processor(
    processor_slug: str,
    key: str,
    name: str,
    *,
    service_key: str | None = None,
    since: date = date(2026, 11, 1),
    countries=("NL",),
    **fields,
):
    """A sub-processor of a seeded processor, engaged for one of its services from `since` (as if seeded)."""
    from registry.models import Engagement, Location, Processor, Service, SubProcessor

    processor = db.session.scalar(select(Processor).filter_by(slug=processor_slug))
    sp = SubProcessor(processor_id=processor.id, key=key, name=name, **fields)
    db.session.add(sp)
    db.session.flush()
    for country in countries:
        db.session.add(Location(sub_processor_id=sp.id, country_code=country, valid_from=since))
    query = select(Service).filter_by(processor_id=processor.id)
    service = db.session.scalar(query.filter_by(key=service_key) if service_key else query.order_by(Service.position))
    db.session.add(
        Engagement(processor_id=processor.id, service_id=service.id, sub_processor_id=sp.id, valid_from=since)
    )
    db.session.commit()
    return sp


def onward_sub_processor(parent, key: str, name: str, *, since: date = date(2026, 11, 1), countries=("NL",)):
    """A sub-processor that `parent` engages itself (the chain of GDPR art. 28(4)), as if seeded."""
    from registry.models import Location, SubProcessor

    sp = SubProcessor(processor_id=parent.processor_id, key=key, name=name, parent_id=parent.id)
    db.session.add(sp)
    db.session.flush()
    for country in countries:
        db.session.add(Location(sub_processor_id=sp.id, country_code=country, valid_from=since))
    onward_link(parent, sp, since=since)
    return sp


def onward_link(parent, sp, *, since: date = date(2026, 11, 1)):
    """`parent` engages `sp` as its own sub-processor from `since` (as recorded from a contract)."""
    from registry.models import OnwardEngagement

    db.session.add(
        OnwardEngagement(
            processor_id=parent.processor_id, parent_id=parent.id, sub_processor_id=sp.id, valid_from=since
        )
    )
    db.session.commit()


# A Vcare contract under a later terms version that states a notice period of its own: 45 days (not in any seed
# contract, whose "voorafgaand" leaves the period to Vcare's 30-day policy). With two contracts whose notice
# periods differ, a change to a service both take must respect the longer one.
NOTICE_45 = SimpleNamespace(
    reference="VC-2026-0045",
    organisation="Tandartspraktijk Noord",
    days=45,
    article="4.1 (test)",
    version="2026-06 (45 days, test)",
    notice_email="privacy@tandarts-noord.example",
)


def contract_with_notice_days(
    editor: User,
    days: int = NOTICE_45.days,
    *,
    services=("operator",),
    reference: str = NOTICE_45.reference,
    version: str = NOTICE_45.version,
    effective_from: date = date(2026, 6, 1),
):
    """A new Vcare terms version whose article NOTICE_45.article sets `days` days' notice, and a contract of a new
    organisation under it taking `services`: made through the services the editor's forms call."""
    from registry.models import ContractTerms, Processor, Service
    from registry.subprocessors import editing as administration
    from registry.subprocessors.seed_fields import TERMS_FIELDS

    vcare = db.session.scalar(select(Processor).filter_by(slug="vcare"))
    seeded = db.session.scalar(select(ContractTerms).filter_by(processor_id=vcare.id).order_by(ContractTerms.id))
    values = {name: getattr(seeded, name) for name in TERMS_FIELDS}
    values.update(
        version=version,
        effective_from=effective_from,
        notice_days=days,
        notice_source="contract",
        notice_article=NOTICE_45.article,
        notice_text=None,
    )
    terms = administration.save_terms(editor, vcare, None, values)
    service_ids = [
        s.id
        for s in db.session.scalars(select(Service).where(Service.processor_id == vcare.id, Service.key.in_(services)))
    ]
    return administration.save_contract(
        editor,
        vcare,
        None,
        {
            "organisation_id": None,
            "organisation_name": NOTICE_45.organisation,
            "reference": reference,
            "start_date": effective_from,
            "terms_id": terms.id,
            "service_ids": service_ids,
            "notice_email": NOTICE_45.notice_email,
            "notice_language": "en",
        },
    )


def vcare_customers(count: int, start_date: date, **contract) -> tuple[Processor, Service]:
    """`count` organisations praktijk-N, each with a Vcare contract VC-NNN for Operator under Vcare's first terms
    (the concurrency tests' crowd of controllers); commit is the caller's. Returns Vcare and its Operator service."""
    vcare = db.session.scalar(select(Processor).filter_by(slug="vcare"))
    operator = db.session.scalar(select(Service).filter_by(processor_id=vcare.id, key="operator"))
    for n in range(count):
        org = Organisation(slug=f"praktijk-{n}", name=f"Praktijk {n}")
        db.session.add(org)
        db.session.add(
            CustomerContract(
                processor=vcare,
                organisation=org,
                reference=f"VC-{n:03d}",
                start_date=start_date,
                terms=vcare.contract_terms[0],
                notice_email=f"privacy@praktijk-{n}.example",
                services=[operator],
                **contract,
            )
        )
    return vcare, operator
