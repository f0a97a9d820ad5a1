"""Inviting a processor editor (/admin/processors/<slug>/users/): the mail with its signed link, accepting once
(the account is made and logged in), an expired, revoked, used or malformed link, who may invite and revoke."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from registry.accounts import users as accounts
from registry.extensions import db
from registry.models import AuditEntry, Invitation, OutboxMessage, User

from ..clock import TODAY, on
from ..html import table_rows

pytestmark = pytest.mark.usefixtures("clock")
NEW = "seven otters juggle 42 plums"
INVITEE = "nieuw@vcare.example.org"


def invite(client, email=INVITEE, slug="vcare"):
    return client.post(f"/admin/processors/{slug}/users/invite", data={"email": email})


def mails(recipient=INVITEE):
    query = select(OutboxMessage).filter_by(kind="invitation", recipient=recipient).order_by(OutboxMessage.id)
    return db.session.scalars(query).all()


def link(recipient=INVITEE):
    return re.search(r"http://registry\.test(/invitations/\S+)", mails(recipient)[-1].body.text).group(1)


def accept(client, url, password=NEW, repeated=None):
    return client.post(url, data={"new_password": password, "repeat_password": repeated or password})


def actions(action):
    return db.session.scalars(select(AuditEntry).filter_by(action=action)).all()


@pytest.mark.parametrize("inviter", ["admin", "vcare_editor"])
def test_invite_mail_accept_once_and_logged_in(app, client, users, login, inviter):
    login(getattr(users, inviter))
    response = invite(client, "  Nieuw@VCare.example.org ")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/processors/vcare/users/"
    [mail] = mails()
    inviting = getattr(users, inviter).email
    assert f"{inviting} invites you ({INVITEE}) to become an editor of Vcare" in mail.body.text
    assert mail.body.subject == "You are invited to the sub-processor registry"
    assert len(actions("invitation.create")) == 1
    rows = table_rows(client.get("/admin/processors/vcare/users/").get_data(as_text=True), "Invitations to")
    assert any(INVITEE in " ".join(row) and "pending" in row for row in rows)
    client.post("/logout")
    url = link()
    page = client.get(url)
    assert page.status_code == 200 and INVITEE in page.get_data(as_text=True)
    assert db.session.scalar(select(User).filter_by(email=INVITEE)) is None  # a GET changes nothing
    answer = accept(client, url)
    assert answer.status_code == 302 and answer.headers["Location"] == "/admin/"
    assert client.get("/admin/processors/vcare/").status_code == 200  # logged in, as an editor of vcare
    assert client.get("/admin/processors/vtm/").status_code == 404
    db.session.expire_all()
    made = db.session.scalar(select(User).filter_by(email=INVITEE))
    assert made.role == "editor" and made.processor.slug == "vcare" and made.check_password(NEW)
    # Accepting is the account's first log-in (the clock stands at noon of TODAY, Europe/Amsterdam: 11:00 UTC).
    assert made.last_login_at.replace(tzinfo=None) == datetime(2026, 12, 1, 11, 0)
    assert [entry.actor_id for entry in actions("invitation.accept")] == [made.id]
    again = client.get(url)
    assert again.status_code == 400 and "accepted already" in again.get_data(as_text=True)
    assert accept(client, url).status_code == 400
    assert db.session.scalar(select(Invitation)).accepted_at is not None


def test_a_weak_or_repeated_password_is_refused_and_the_link_still_works(client, users, login):
    login(users.admin)
    invite(client)
    client.post("/logout")
    url = link()
    assert accept(client, url, "short").status_code == 400
    assert accept(client, url, NEW, NEW + "x").status_code == 400
    assert db.session.scalar(select(User).filter_by(email=INVITEE)) is None
    assert accept(client, url).status_code == 302


def test_an_expired_link_says_so(client, users, login):
    login(users.vcare_editor)
    invite(client)
    url = link()
    client.post("/logout")
    with on(TODAY + timedelta(days=8)):
        page = client.get(url)
        assert page.status_code == 400 and "has expired" in page.get_data(as_text=True)
        assert accept(client, url).status_code == 400
        login(users.vcare_editor)
        rows = table_rows(client.get("/admin/processors/vcare/users/").get_data(as_text=True), "Invitations to")
        assert any(INVITEE in " ".join(row) and "expired" in row for row in rows)
    assert db.session.scalar(select(User).filter_by(email=INVITEE)) is None


def test_a_revoked_link_says_so_and_a_new_invitation_works(client, users, login):
    login(users.vcare_editor)
    invite(client)
    url = link()
    assert invite(client).status_code == 400  # a pending one exists already
    invitation = db.session.scalar(select(Invitation))
    revoked = client.post(f"/admin/processors/vcare/users/invitations/{invitation.id}/revoke", data={})
    assert revoked.status_code == 302 and len(actions("invitation.revoke")) == 1
    rows = table_rows(client.get("/admin/processors/vcare/users/").get_data(as_text=True), "Invitations to")
    assert any(INVITEE in " ".join(row) and "revoked" in row for row in rows)
    page = client.get(url)
    assert page.status_code == 400 and "withdrawn" in page.get_data(as_text=True)
    assert invite(client).status_code == 302
    assert link() != url and client.get(link()).status_code == 200


def test_malformed_links_are_a_clear_400(client, users, login):
    for url in ("/invitations/not-a-link", "/invitations/" + "x" * 500, "/invitations/e30.AAAA"):
        page = client.get(url)
        assert page.status_code == 400 and "not valid" in page.get_data(as_text=True)


def test_an_address_with_an_account_is_invited_to_log_in_with_it(client, users, login):
    """Not refused since the invitation of existing accounts (test_invitation_join.py has the rest)."""
    login(users.admin)
    response = invite(client, users.vtm_editor.email.upper())
    assert response.status_code == 302 and len(actions("invitation.create")) == 1
    [mail] = mails(users.vtm_editor.email)
    assert "log in with your existing account to accept" in mail.body.text


def test_only_the_processors_editors_and_the_admin_invite_and_revoke(client, users, login):
    login(users.vcare_editor)
    invite(client)
    invitation = db.session.scalar(select(Invitation))
    client.post("/logout")
    login(users.vtm_editor)
    assert invite(client).status_code == 404
    assert client.post(f"/admin/processors/vcare/users/invitations/{invitation.id}/revoke").status_code == 404
    assert client.post(f"/admin/processors/vtm/users/invitations/{invitation.id}/revoke").status_code == 404
    client.post("/logout")
    login(users.controller_a)
    assert invite(client).status_code == 403
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).revoked_at is None


def test_the_mail_and_the_pages_in_dutch(client, users, login):
    login(users.vcare_editor)
    client.post("/admin/processors/vcare/users/invite", data={"email": INVITEE}, headers={"Accept-Language": "nl"})
    [mail] = mails()
    assert mail.body.subject == "U bent uitgenodigd voor het subverwerkersregister"
    assert "De link werkt 7 dagen en maar één keer." in mail.body.text
    client.post("/logout")
    page = client.get(link(), headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "Accepteer de uitnodiging" in page and f"nodigt u ({INVITEE}) uit om redacteur van Vcare" in page
    expired = client.get("/invitations/not-a-link", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "Deze uitnodigingslink is niet geldig." in expired


def test_an_account_made_after_the_invitation_is_refused_on_accepting(client, users, login):
    login(users.admin)
    invite(client)
    client.post("/logout")
    accounts.create_user(INVITEE, "editor", "vtm", NEW)
    answer = accept(client, link(), "another Strong 77 walrus")
    assert answer.status_code == 400 and "log in with your existing account" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(Invitation)).accepted_at is None and actions("invitation.accept") == []
