"""Asking for a new invitation (/invitations/<token>/ask): the page of a used, revoked, expired or replaced link
has the button; the inviter gets a mail (in their language) naming who asks and linking to the accounts page, once
per invitation per day; a malformed link has no button; the requests are rate-limited per client."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.mail.delivery import deliver
from registry.models import Invitation, OutboxMessage

from ..clock import TODAY, on
from .test_invitations import INVITEE, accept, actions, invite, link

pytestmark = pytest.mark.usefixtures("clock")
BUTTON = "Ask for a new invitation"


def requests(recipient):
    query = select(OutboxMessage).filter_by(kind="invitation_request", recipient=recipient).order_by(OutboxMessage.id)
    return db.session.scalars(query).all()


def invited(client, users, login, inviter="vcare_editor"):
    login(getattr(users, inviter))
    invite(client)
    client.post("/logout")
    return link()


def test_an_expired_link_asks_the_inviter_once_a_day(client, users, login):
    url = invited(client, users, login)
    editor = users.vcare_editor.email
    with on(TODAY + timedelta(days=8)):  # 9 December; the link worked until 8 December
        page = client.get(url)
        assert page.status_code == 400 and BUTTON in page.get_data(as_text=True)
        asked = client.post(url + "/ask")
        assert asked.status_code == 200
        assert f"{editor}, who invited you, gets a mail" in asked.get_data(as_text=True)
        [mail] = requests(editor)
        assert mail.body.subject == f"{INVITEE} asks for a new invitation"
        assert f"{INVITEE} asks you for a new invitation to Vcare in the sub-processor registry" in mail.body.text
        assert "the link of the invitation you sent on December 1, 2026 no longer works" in mail.body.text
        assert "http://registry.test/admin/processors/vcare/users/" in mail.body.text
        [entry] = actions("invitation.ask")
        assert entry.actor_label == INVITEE and entry.actor_id is None
        again = client.post(url + "/ask")
        assert again.status_code == 400 and "asked for a new invitation today already" in again.get_data(as_text=True)
        assert len(requests(editor)) == 1
    with on(TODAY + timedelta(days=9)):  # the next day, once more
        assert client.post(url + "/ask").status_code == 200
        assert len(requests(editor)) == 2 and len(actions("invitation.ask")) == 2


def test_used_revoked_and_replaced_links_have_the_button(client, users, login):
    url = invited(client, users, login, "admin")
    accept(client, url)
    client.post("/logout")
    page = client.get(url).get_data(as_text=True)
    assert "accepted already" in page and BUTTON in page
    login(users.vcare_editor)
    invite(client, "tweede@vcare.example.org")
    second = link("tweede@vcare.example.org")
    invitation_id = db.session.scalar(select(Invitation.id).filter_by(email="tweede@vcare.example.org"))
    client.post(f"/admin/processors/vcare/users/invitations/{invitation_id}/resend")
    replaced = client.get(second).get_data(as_text=True)
    assert "replaced by a newer one" in replaced and BUTTON in replaced
    client.post(f"/admin/processors/vcare/users/invitations/{invitation_id}/revoke")
    revoked = client.get(link("tweede@vcare.example.org")).get_data(as_text=True)
    assert "withdrawn" in revoked and BUTTON in revoked
    assert client.post(link("tweede@vcare.example.org") + "/ask").status_code == 200
    assert len(requests(users.vcare_editor.email)) == 1  # the one who invited, not the one who revoked
    assert requests(users.admin.email) == []
    assert client.post(url + "/ask").status_code == 200 and len(requests(users.admin.email)) == 1


def test_a_malformed_or_working_link_asks_nobody(client, users, login):
    url = invited(client, users, login)
    for bad in ("/invitations/not-a-link", "/invitations/e30.AAAA"):
        page = client.get(bad)
        assert page.status_code == 400 and BUTTON not in page.get_data(as_text=True)
        assert client.post(bad + "/ask").status_code == 400
    working = client.post(url + "/ask")
    assert working.status_code == 400 and "This invitation still works" in working.get_data(as_text=True)
    assert requests(users.vcare_editor.email) == [] and actions("invitation.ask") == []


def test_the_request_is_in_the_inviters_language(client, users, login):
    users.vcare_editor.language = "nl"
    db.session.commit()
    url = invited(client, users, login)
    with on(TODAY + timedelta(days=8)):
        client.post(url + "/ask")
    [mail] = requests(users.vcare_editor.email)
    assert mail.body.subject == f"{INVITEE} vraagt om een nieuwe uitnodiging"
    dutch = client.get("/invitations/not-a-link", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "Vraag om een nieuwe uitnodiging" not in dutch


def test_a_disabled_inviter_is_not_mailed(client, users, login):
    url = invited(client, users, login)
    users.vcare_editor.active = False
    db.session.commit()
    with on(TODAY + timedelta(days=8)):
        answer = client.post(url + "/ask")
    assert answer.status_code == 400 and "is disabled, so no mail was sent" in answer.get_data(as_text=True)
    assert requests(users.vcare_editor.email) == []


def test_asking_is_rate_limited_per_client(app, client, users, login):
    app.config["INVITATION_REQUEST_RATE_LIMIT"] = "2 per hour"
    try:
        assert client.post("/invitations/not-a-link/ask").status_code == 400
        assert client.post("/invitations/not-a-link/ask").status_code == 400
        assert client.post("/invitations/not-a-link/ask").status_code == 429
    finally:
        app.config["INVITATION_REQUEST_RATE_LIMIT"] = "10 per hour"


def test_the_request_arrives_over_smtp(client, users, login, smtp):
    url = invited(client, users, login)
    client.post("/logout")
    with on(TODAY + timedelta(days=8)):
        client.post(url + "/ask")
        with smtp() as server:
            report = deliver("test", once=True)
    assert report.failed == 0
    [mail] = server.handler.received_by()[users.vcare_editor.email]
    assert mail["Subject"] == f"{INVITEE} asks for a new invitation"
    text = mail.get_body(("plain",)).get_content()
    page = re.search(r"http://registry\.test(/admin/processors/vcare/users/)", text).group(1)
    login(users.vcare_editor)
    assert INVITEE in client.get(page).get_data(as_text=True)
