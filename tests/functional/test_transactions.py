"""A service that refuses rolls back its own transaction: nothing it did stays behind, no lock it took stays held,
and the view that shows the refusal has nothing to undo (STYLE rule 4; registry/storage/transactions.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from registry.announcements import publication
from registry.announcements.drafting import save_draft
from registry.exceptions import DomainError
from registry.extensions import db
from registry.models import Organisation
from registry.storage.transactions import one_transaction
from registry.subprocessors.snapshot import today

from .seeded import vcare


def test_what_a_refusing_service_wrote_is_undone(app):
    @one_transaction
    def add_then_refuse() -> None:
        db.session.add(Organisation(slug="half-made", name="Half made"))
        db.session.flush()
        raise DomainError("refused after writing")

    with pytest.raises(DomainError, match="refused after writing"):
        add_then_refuse()
    assert not db.session().in_transaction()
    assert db.session.scalar(select(Organisation).filter_by(slug="half-made")) is None


def test_a_service_that_succeeds_keeps_its_commit(app):
    @one_transaction
    def add() -> str:
        db.session.add(Organisation(slug="made", name="Made"))
        db.session.commit()
        return "done"

    assert add() == "done"
    db.session.expire_all()
    assert db.session.scalar(select(Organisation.name).filter_by(slug="made")) == "Made"


def test_a_refused_withdrawal_ends_the_transaction_that_holds_its_locks(app, users):
    processor = vcare()
    draft = save_draft(
        users.vcare_editor,
        processor,
        None,
        {
            "kind": "add",
            "service_ids": [processor.services[0].id],
            "new_name": "Never Cloud",
            "reason": "Kept a draft",
            "effective_date": today() + timedelta(days=200),
            "locations": [{"country": "NL", "place": "", "role": "processing", "transfer_basis": None}],
        },
    )
    # Withdrawing re-reads the processor and the announcement under their locks before it sees a draft.
    with pytest.raises(DomainError, match="Only a published announcement can be withdrawn"):
        publication.withdraw(users.vcare_editor, processor, draft.id, "Changed our mind")
    assert not db.session().in_transaction()
    assert db.session.get(type(draft), draft.id).status == "draft"
