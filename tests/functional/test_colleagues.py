"""A controller organisation's users invite colleagues (/portal/colleagues/): the list of users and of the
organisation's invitations with their state, inviting, revoking and re-sending; another organisation's invitations
are a 404; an accepted colleague sees the same contracts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import Invitation, OutboxMessage, User

from ..clock import TODAY, on
from ..html import table_rows
from .test_invitations import accept, actions, link, mails

pytestmark = pytest.mark.usefixtures("clock")
COLLEAGUE = "collega@praktijk-x.example.org"
DEMO = "controller@huisartsenpraktijk-x.example"  # the demo's user of Huisartsenpraktijk X (seed/demo.yaml)


def invite(client, email=COLLEAGUE):
    return client.post("/portal/colleagues/invite", data={"email": email})


def act(client, invitation_id, what):
    return client.post(f"/portal/colleagues/invitations/{invitation_id}/{what}")


def states(client):
    rows = table_rows(client.get("/portal/colleagues/").get_data(as_text=True), "Invitations to become a user")
    return {row[0]: row[3] for row in rows if len(row) > 1}  # not the row "No invitations yet."


def test_a_controller_user_invites_a_colleague_who_sees_the_same_contracts(client, users, login):
    login(users.controller_a)
    page = client.get("/portal/colleagues/").get_data(as_text=True)
    assert [row[0] for row in table_rows(page, "Users of Huisartsenpraktijk X")] == [users.controller_a.email, DEMO]
    answer = invite(client, " Collega@Praktijk-X.example.org ")
    assert answer.status_code == 302 and answer.headers["Location"] == "/portal/colleagues/"
    [mail] = mails(COLLEAGUE)
    assert (
        f"{users.controller_a.email} invites you ({COLLEAGUE}) to join Huisartsenpraktijk X in the portal of the "
        "sub-processor registry." in mail.body.text
    )
    made = db.session.scalar(select(Invitation))
    assert (made.role, made.processor_id, made.organisation.slug) == ("controller", None, "huisartsenpraktijk-x")
    [created] = actions("invitation.create")
    assert created.actor_id == users.controller_a.id and created.processor_id is None
    assert states(client) == {COLLEAGUE: "pending"}
    mine = client.get("/portal/").get_data(as_text=True)
    client.post("/logout")
    assert accept(client, link(COLLEAGUE)).headers["Location"] == "/portal/"
    theirs = client.get("/portal/").get_data(as_text=True)
    for reference in ("VC-2024-0117", "Overeenkomst deelname BeterDichtbij"):
        assert reference in mine and reference in theirs
    db.session.expire_all()
    joined = db.session.scalar(select(User).filter_by(email=COLLEAGUE))
    assert (joined.role, joined.organisation.slug) == ("controller", "huisartsenpraktijk-x")
    # ...and the colleague may invite in turn.
    assert invite(client, "derde@praktijk-x.example.org").status_code == 302
    assert states(client) == {COLLEAGUE: "accepted", "derde@praktijk-x.example.org": "pending"}
    users_now = table_rows(client.get("/portal/colleagues/").get_data(as_text=True), "Users of")
    assert [row[0] for row in users_now] == [users.controller_a.email, COLLEAGUE, DEMO]  # by address


def test_revoke_and_resend_and_the_old_link(client, users, login):
    login(users.controller_a)
    invite(client)
    first = link(COLLEAGUE)
    invitation_id = db.session.scalar(select(Invitation.id))
    assert act(client, invitation_id, "resend").status_code == 302
    second = link(COLLEAGUE)
    assert second != first and client.get(first).status_code == 400 and client.get(second).status_code == 200
    assert len(actions("invitation.resend")) == 1
    assert act(client, invitation_id, "revoke").status_code == 302
    assert states(client) == {COLLEAGUE: "revoked"} and client.get(second).status_code == 400
    refused = act(client, invitation_id, "resend")
    assert "This invitation was revoked" in client.get(refused.headers["Location"]).get_data(as_text=True)
    assert len(mails(COLLEAGUE)) == 2 and len(actions("invitation.revoke")) == 1


def test_an_expired_colleague_invitation_asks_the_colleague_who_invited(client, users, login):
    login(users.controller_a)
    invite(client)
    client.post("/logout")
    with on(TODAY + timedelta(days=8)):
        assert client.post(link(COLLEAGUE) + "/ask").status_code == 200
    [asked] = db.session.scalars(select(OutboxMessage).filter_by(kind="invitation_request")).all()
    assert asked.recipient == users.controller_a.email
    assert "new invitation to Huisartsenpraktijk X" in asked.body.text
    assert "http://registry.test/portal/colleagues/" in asked.body.text


def test_another_organisations_invitations_are_out_of_reach(client, users, login):
    login(users.controller_a)
    invite(client)
    invitation_id = db.session.scalar(select(Invitation.id))
    client.post("/logout")
    login(users.controller_b)  # Praktijk B
    assert states(client) == {}
    assert act(client, invitation_id, "revoke").status_code == 404
    assert act(client, invitation_id, "resend").status_code == 404
    assert act(client, 99999, "revoke").status_code == 404
    # A colleague invitation is always to the inviter's own organisation.
    invite(client, "collega@praktijk-b.example.org")
    made = db.session.scalar(select(Invitation).filter_by(email="collega@praktijk-b.example.org"))
    assert made.organisation.slug == "praktijk-b"
    db.session.expire_all()
    assert db.session.get(Invitation, invitation_id).revoked_at is None and len(mails(COLLEAGUE)) == 1
    client.post("/logout")
    login(users.vcare_editor)
    assert client.get("/portal/colleagues/").status_code == 403
    assert act(client, invitation_id, "revoke").status_code == 403


def test_an_invitation_the_processor_made_is_listed_and_sent_again_from_the_organisation(client, users, login):
    from registry.mail import invitations as invitation_mail

    from .test_controller_invitations import of

    invitation_mail.invite_controller(users.vcare_editor, of("vcare"), COLLEAGUE)
    login(users.controller_a)
    assert states(client) == {COLLEAGUE: "pending"}
    act(client, db.session.scalar(select(Invitation.id)), "resend")
    [first, second] = mails(COLLEAGUE)
    assert "On behalf of Vcare" in first.body.text and "On behalf of" not in second.body.text
    assert "to join Huisartsenpraktijk X" in second.body.text


def test_a_bad_or_repeated_address_is_refused_with_what_was_typed(client, users, login):
    login(users.controller_a)
    bad = invite(client, "nope")
    assert bad.status_code == 400 and 'value="nope"' in bad.get_data(as_text=True)
    invite(client)
    again = invite(client)
    assert again.status_code == 400 and "has a pending invitation already" in again.get_data(as_text=True)
    assert len(mails(COLLEAGUE)) == 1
