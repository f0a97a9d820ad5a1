"""The first editor invited from the new-processor form (/admin/processors/new): an optional address; when given,
the invitation is made and mailed in the processor's own transaction, and a refused address stores nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import AuditEntry, Invitation, Processor, User

from ..html import field_errors
from .test_invitations import accept, link, mails
from .test_onboarding import NEW

pytestmark = pytest.mark.usefixtures("clock")
FIRST = "privacy@zorg-muller.example"


def stored() -> tuple[list, list, list]:
    return (
        db.session.scalars(select(Processor).filter_by(slug="zorg-co-muller")).all(),
        db.session.scalars(select(Invitation)).all(),
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action.in_(["processor.create", "invitation.create"]))
        ).all(),
    )


def test_the_first_editor_is_invited_with_the_processor(client, users, login):
    login(users.admin)
    response = client.post("/admin/processors/new", data={**NEW, "first_editor": " Privacy@Zorg-Muller.example "})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/processors/zorg-co-muller/"
    [processor], [invitation], entries = stored()
    assert (invitation.email, invitation.role, invitation.processor_id) == (FIRST, "editor", processor.id)
    assert sorted(entry.action for entry in entries) == ["invitation.create", "processor.create"]
    [mail] = mails(FIRST)
    assert f"root@example.org invites you ({FIRST}) to become an editor of Zorg & Co Müller" in mail.body.text
    client.post("/logout")
    answer = accept(client, link(FIRST))
    assert answer.status_code == 302 and answer.headers["Location"] == "/admin/"
    assert client.get("/admin/").headers["Location"] == "/admin/processors/zorg-co-muller/"
    db.session.expire_all()
    assert db.session.scalar(select(User).filter_by(email=FIRST)).processor.slug == "zorg-co-muller"


def test_without_an_address_no_one_is_invited(client, users, login):
    login(users.admin)
    assert client.post("/admin/processors/new", data={**NEW, "first_editor": ""}).status_code == 302
    [processor], invitations, _entries = stored()
    assert invitations == [] and mails(FIRST) == []


def test_a_refused_address_or_processor_stores_nothing(client, users, login):
    login(users.admin)
    bad = client.post("/admin/processors/new", data={**NEW, "first_editor": "not an address"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and field_errors(page)["first_editor"].startswith("Not a valid e-mail address: ")
    assert 'value="not an address"' in page and NEW["legal_name"].replace("&", "&amp;") in page
    assert stored() == ([], [], [])
    taken = client.post("/admin/processors/new", data={**NEW, "slug": "vcare", "first_editor": FIRST})
    assert taken.status_code == 400 and "exists already" in taken.get_data(as_text=True)
    assert stored() == ([], [], []) and mails(FIRST) == []
