"""Drafts can be deleted, after a confirming button, by an editor of their processor (or the site admin); what
was published stays on record. On a fixed clock: Tuesday 1 December 2026."""

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import Announcement, AuditEntry

from ..html import texts
from .announce import draft, publish

pytestmark = pytest.mark.usefixtures("clock")


def test_a_draft_is_deleted_after_a_confirming_button(client, users, login):
    login(users.vcare_editor)
    item = draft(client, new_name="Acme")
    item_id = item.id
    preview = client.get(f"/admin/processors/vcare/announcements/{item_id}/").get_data(as_text=True)
    assert f'<a href="/admin/processors/vcare/announcements/{item_id}/delete">Delete the draft</a>' in preview
    ask = client.get(f"/admin/processors/vcare/announcements/{item_id}/delete").get_data(as_text=True)
    assert texts(ask, "h1") == ["Delete draft #1"]
    assert f'<form method="post" action="/admin/processors/vcare/announcements/{item_id}/delete">' in ask
    assert db.session.get(Announcement, item_id) is not None  # asking changes nothing
    response = client.post(f"/admin/processors/vcare/announcements/{item_id}/delete")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/processors/vcare/announcements/"
    listed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Draft #1 deleted." in listed and "Acme" not in listed
    db.session.expire_all()
    assert db.session.get(Announcement, item_id) is None
    entry = db.session.scalar(select(AuditEntry).filter_by(action="announcement.delete", object_id=item_id))
    assert entry.summary == "Deleted draft #1" and entry.actor_label == "ed@vcare.example.org"
    assert client.post(f"/admin/processors/vcare/announcements/{item_id}/delete").status_code == 404


def test_a_published_announcement_refuses_to_be_deleted(client, users, login):
    login(users.vcare_editor)
    item = publish(client, draft(client, new_name="Acme"))
    message = (
        "Announcement #1 is published and cannot be deleted: what was announced stays on record. Withdraw it "
        "before its effective date instead."
    )
    for response in (
        client.get(f"/admin/processors/vcare/announcements/{item.id}/delete"),
        client.post(f"/admin/processors/vcare/announcements/{item.id}/delete"),
    ):
        assert response.status_code == 400 and message in texts(response.get_data(as_text=True), "p")
    db.session.expire_all()
    assert db.session.get(Announcement, item.id).status == "published"
    assert not db.session.scalar(select(AuditEntry).filter_by(action="announcement.delete"))


def test_another_processors_editor_cannot_delete_a_draft(client, users, login):
    login(users.vcare_editor)
    item = draft(client, new_name="Acme")
    client.post("/logout")
    login(users.vtm_editor)
    for url in (
        f"/admin/processors/vcare/announcements/{item.id}/delete",
        f"/admin/processors/vtm/announcements/{item.id}/delete",
    ):
        assert client.post(url).status_code == 404
    db.session.expire_all()
    assert db.session.get(Announcement, item.id).status == "draft"


def test_a_withdrawn_announcement_refuses_to_be_deleted_too(client, users, login):
    login(users.vcare_editor)
    item = publish(client, draft(client, new_name="Acme"))
    client.post(f"/admin/processors/vcare/announcements/{item.id}/withdraw", data={"reason": "No"})
    response = client.post(f"/admin/processors/vcare/announcements/{item.id}/delete")
    assert response.status_code == 400
    assert (
        "Announcement #1 was withdrawn and cannot be deleted: what was announced, and its withdrawal, stay on record."
    ) in texts(response.get_data(as_text=True), "p")
    db.session.expire_all()
    assert db.session.get(Announcement, item.id).status == "withdrawn"
