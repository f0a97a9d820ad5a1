"""Helpers for the controller's portal: announcements published through the services, forms as browsers post them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from registry.announcements import publication
from registry.announcements.drafting import save_draft
from registry.extensions import db
from registry.models import Announcement, CustomerContract, Objection, Processor, Service
from registry.subprocessors.snapshot import today

from .announce import ids

GROUNDS = "Our patients' call recordings must not leave our own data centre supplier; we were promised that."
NL = [{"country": "NL", "place": "Amsterdam", "role": "processing", "transfer_basis": None}]
US = [{"country": "US", "place": "Virginia", "role": "processing", "transfer_basis": "scc"}]


def processor(slug: str) -> Processor:
    return db.session.scalar(select(Processor).filter_by(slug=slug))


def contract(prefix: str = "VC-") -> CustomerContract:
    return db.session.scalar(select(CustomerContract).where(CustomerContract.reference.like(f"{prefix}%")))


def announce(editor, slug="vcare", services=("operator",), locations=NL, name="Acme Cloud", days=45) -> Announcement:
    """A published 'add' announcement (within the EEA by default: Vcare's objection route)."""
    data = {
        "kind": "add",
        "service_ids": ids(slug, *services),
        "new_name": name,
        "reason": "Better service",
        "effective_date": today() + timedelta(days=days),
        "locations": locations,
    }
    item = save_draft(editor, processor(slug), None, data)
    publication.publish(editor, processor(slug), item.id)
    return db.session.get(Announcement, item.id)


def published_on(announcement: Announcement, day) -> None:
    """Move the publication to another day (noon in Amsterdam), as if it had been published then."""
    announcement.published_at = datetime(day.year, day.month, day.day, 11, 0, tzinfo=UTC)
    db.session.commit()


def objection_url(announcement, contract_) -> str:
    return f"/portal/contracts/{contract_.id}/announcements/{announcement.id}/objection"


def consent_url(announcement, contract_) -> str:
    return f"/portal/contracts/{contract_.id}/announcements/{announcement.id}/consent"


def objection_form(announcement, contract_, grounds=GROUNDS, services=("operator",), slug="vcare", **extra) -> dict:
    data = {
        "announcement_id": str(announcement.id),
        "contract_id": str(contract_.id),
        "grounds": grounds,
        "service_ids": [str(i) for i in ids(slug, *services)],
    }
    data.update(extra)
    return data


def objections() -> list[Objection]:
    return list(db.session.scalars(select(Objection).order_by(Objection.id)))


def service(slug, key) -> Service:
    return db.session.get(Service, ids(slug, key)[0])
