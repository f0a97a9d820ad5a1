"""50 controllers object to one announcement at the same moment: 50 objections, 50 receipts (real commits)."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from registry import create_app
from registry.accounts import users as accounts
from registry.announcements import publication
from registry.announcements.drafting import save_draft
from registry.audit import trail as audit
from registry.extensions import db
from registry.models import CustomerContract, Objection, OutboxMessage, Service
from registry.subprocessors.seeding import load_seed
from registry.subprocessors.snapshot import today

from ..conftest import PG_URL, PROJECT, postgres_schema_or_skip
from ..factories import vcare_customers

CONTROLLERS = 50
PASSWORD = "a long password"
GROUNDS = "We object: this supplier was never part of what we agreed to for our patients."


def _url(kind: str, tmp_path: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'portal.db'}"
    postgres_schema_or_skip("portalconcurrency")
    return PG_URL + "?options=-csearch_path%3Dportalconcurrency"


def _app(url: str):
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "BASE_URL": "http://registry.test",
            "WTF_CSRF_ENABLED": False,
            "TESTING": True,
            "LOGIN_RATE_LIMIT": "10000 per minute",
            "DEFAULT_LANGUAGE": "en",
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 10, "max_overflow": 45},
        }
    )


def _world(app) -> tuple[int, int]:
    """Seed, 50 organisations with a Vcare contract and a controller each, one announcement published."""
    with app.app_context(), app.test_request_context():
        upgrade()
        load_seed(PROJECT / "seed")
        vcare, operator = vcare_customers(CONTROLLERS, today())
        db.session.commit()
        for n in range(CONTROLLERS):
            accounts.create_user(f"c{n}@praktijk-{n}.example", "controller", f"praktijk-{n}", PASSWORD, actor="test")
        editor = accounts.create_user("ed@vcare.example.org", "editor", "vcare", PASSWORD, actor="test")
        item = save_draft(
            editor,
            vcare,
            None,
            {
                "kind": "add",
                "service_ids": [operator.id],
                "new_name": "Acme",
                "reason": "Tests",
                "effective_date": today() + timedelta(days=45),
                "locations": [{"country": "NL", "place": None, "role": "processing", "transfer_basis": None}],
            },
        )
        publication.publish(editor, vcare, item.id)
        announcement_id = item.id
        contract_ids = {c.reference: c.id for c in db.session.scalars(select(CustomerContract))}
        db.session.remove()
        return announcement_id, contract_ids


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_fifty_objections_at_once_are_all_stored_with_fifty_receipts(kind, tmp_path):
    app = _app(_url(kind, tmp_path))
    announcement_id, contract_ids = _world(app)
    clients = []
    for n in range(CONTROLLERS):
        client = app.test_client()
        response = client.post("/login", data={"email": f"c{n}@praktijk-{n}.example", "password": PASSWORD})
        assert response.status_code == 302
        clients.append(client)
    start = threading.Barrier(CONTROLLERS)
    results: list = [None] * CONTROLLERS

    def submit(n: int) -> None:
        contract_id = contract_ids[f"VC-{n:03d}"]
        url = f"/portal/contracts/{contract_id}/announcements/{announcement_id}/objection"
        data = {
            "announcement_id": str(announcement_id),
            "contract_id": str(contract_id),
            "grounds": GROUNDS,
            "service_ids": [],
        }
        with app.app_context():
            operator = db.session.scalar(select(Service.id).filter_by(key="operator"))
        data["service_ids"] = [str(operator)]
        start.wait()
        try:
            response = clients[n].post(url, data=data)
            receipt = clients[n].get(response.headers.get("Location", "/")) if response.status_code == 302 else None
            results[n] = (
                response.status_code,
                receipt.get_data(as_text=True) if receipt else response.get_data(as_text=True),
            )
        except Exception as exc:  # pragma: no cover - reported below
            results[n] = (None, repr(exc))

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(CONTROLLERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    failed = [(n, r[0], r[1][:300]) for n, r in enumerate(results) if r is None or r[0] != 302]
    assert failed == []
    with app.app_context():
        stored = db.session.scalars(select(Objection)).all()
        assert len(stored) == CONTROLLERS
        references = {o.reference for o in stored}
        assert len(references) == CONTROLLERS
        for n, (_, receipt) in enumerate(results):
            assert f"-{contract_ids[f'VC-{n:03d}']:05d}" in receipt and "Receipt" in receipt
        assert (
            db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "objection"))
            == CONTROLLERS * 3
        )
        assert audit.verify_chain() == []
        db.session.remove()
        db.engine.dispose()
