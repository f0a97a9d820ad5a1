"""Helpers to post announcement forms the way the editor's browser does."""

from datetime import timedelta

from sqlalchemy import select

from registry.extensions import db
from registry.models import Announcement, Processor, Service, SubProcessor
from registry.subprocessors.snapshot import today


def ids(slug, *keys, model=Service):
    processor = db.session.scalar(select(Processor).filter_by(slug=slug))
    rows = {row.key: row.id for row in db.session.scalars(select(model).filter_by(processor_id=processor.id))}
    return [rows[k] for k in keys]


def sp_id(slug, key):
    return ids(slug, key, model=SubProcessor)[0]


def in_days(n):
    return (today() + timedelta(days=n)).isoformat()


def form(kind="add", services=("operator",), slug="vcare", days=60, locations=(("US", "Virginia", "scc"),), **extra):
    data = {
        "kind": kind,
        "service_ids": [str(i) for i in ids(slug, *services)],
        "target_id": "0",
        "entity_id": "0",
        "new_name": "",
        "new_legal_name": "",
        "new_established_in": "",
        "new_description": "",
        "new_dpa_in_place": "",
        "purpose": "",
        "reason": "A reason a controller can weigh",
        "effective_date": in_days(days),
    }
    for i, (country, place, basis) in enumerate(locations):
        data.update(
            {
                f"locations-{i}-country": country,
                f"locations-{i}-place": place,
                f"locations-{i}-role": "processing",
                f"locations-{i}-transfer_basis": basis,
            }
        )
    data.update(extra)
    return data


def draft(client, slug="vcare", **kwargs):
    response = client.post(f"/admin/processors/{slug}/announcements/new", data=form(slug=slug, **kwargs))
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalar(select(Announcement).order_by(Announcement.id.desc()))


def publish(client, announcement, slug="vcare"):
    response = client.post(f"/admin/processors/{slug}/announcements/{announcement.id}/publish")
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    return db.session.get(Announcement, announcement.id)
