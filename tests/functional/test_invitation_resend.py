"""Re-sending an invitation (/admin/processors/<slug>/users/invitations/<id>/resend): a pending or expired one gets
a new link for a new week and a new mail, the old link stops working; an accepted or revoked one is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import Invitation, User

from ..clock import TODAY, on
from ..html import table_rows
from .test_invitations import INVITEE, accept, actions, invite, link, mails

pytestmark = pytest.mark.usefixtures("clock")


def resend(client, invitation_id, slug="vcare"):
    return client.post(f"/admin/processors/{slug}/users/invitations/{invitation_id}/resend")


def test_an_expired_invitation_sent_again_works_for_a_new_week_and_the_old_link_not(client, users, login):
    login(users.vcare_editor)
    invite(client)
    old = link()
    invitation = db.session.scalar(select(Invitation))
    with on(TODAY + timedelta(days=8)):  # 9 December: the first link worked until 8 December
        login(users.vcare_editor)  # the session of a week ago has ended
        rows = table_rows(client.get("/admin/processors/vcare/users/").get_data(as_text=True), "Invitations to")
        assert any(INVITEE in " ".join(row) and "expired" in row for row in rows)
        answer = resend(client, invitation.id)
        assert answer.status_code == 302 and answer.headers["Location"] == "/admin/processors/vcare/users/"
        assert len(mails()) == 2 and [e.actor_id for e in actions("invitation.resend")] == [users.vcare_editor.id]
        new = link()
        assert new != old
        db.session.expire_all()
        # 9 December at noon + 7 days: it works until 16 December at noon (Amsterdam), 11:00 UTC.
        assert db.session.get(Invitation, invitation.id).expires_at.isoformat() == "2026-12-16T11:00:00+00:00"
        client.post("/logout")
        assert client.get(old).status_code == 400
        assert accept(client, old).status_code == 400
    with on(TODAY + timedelta(days=14)):  # 15 December: the new link still works
        assert client.get(new).status_code == 200
        assert accept(client, new).status_code == 302
    assert db.session.scalar(select(User).filter_by(email=INVITEE)).processor.slug == "vcare"


def test_a_pending_invitation_sent_again_gets_a_new_link(client, users, login):
    login(users.admin)
    invite(client)
    old = link()
    invitation_id = db.session.scalar(select(Invitation.id))
    assert resend(client, invitation_id).status_code == 302
    assert link() != old and client.get(old).status_code == 400 and client.get(link()).status_code == 200
    [first, second] = mails()
    assert "invites you (nieuw@vcare.example.org) to become an editor of Vcare" in second.body.text


def test_an_accepted_or_revoked_invitation_is_not_sent_again(client, users, login):
    login(users.vcare_editor)
    invite(client)
    invitation_id = db.session.scalar(select(Invitation.id))
    client.post(f"/admin/processors/vcare/users/invitations/{invitation_id}/revoke")
    answer = resend(client, invitation_id)
    assert answer.status_code == 302
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "This invitation was revoked; invite the address again instead." in page
    assert len(mails()) == 1 and actions("invitation.resend") == []
    invite(client, "tweede@vcare.example.org")
    second = db.session.scalar(select(Invitation).filter_by(email="tweede@vcare.example.org"))
    client.post("/logout")
    accept(client, link("tweede@vcare.example.org"))
    client.post("/logout")
    login(users.vcare_editor)
    resend(client, second.id)
    page = client.get("/admin/processors/vcare/users/").get_data(as_text=True)
    assert "This invitation was accepted already; there is nothing to send again." in page
    assert len(mails("tweede@vcare.example.org")) == 1


def test_only_the_processors_editors_and_the_admin_resend(client, users, login):
    login(users.vcare_editor)
    invite(client)
    invitation_id = db.session.scalar(select(Invitation.id))
    client.post("/logout")
    login(users.vtm_editor)
    assert resend(client, invitation_id).status_code == 404
    assert resend(client, invitation_id, "vtm").status_code == 404
    client.post("/logout")
    login(users.admin)
    assert resend(client, invitation_id, "vtm").status_code == 404  # not an invitation of vtm
    assert resend(client, 99999).status_code == 404
    assert len(mails()) == 1
