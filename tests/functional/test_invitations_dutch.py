"""The invitation pages and mail added with controller invitations, colleagues and existing accounts, in Dutch."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.mail import invitations as invitation_mail
from registry.models import AuditEntry, OutboxMessage

from ..clock import TODAY, on
from .test_controller_invitations import of
from .test_invitations import link

pytestmark = pytest.mark.usefixtures("clock")
DUTCH = {"Accept-Language": "nl"}


def dutch(client, url, **kwargs) -> str:
    return client.get(url, headers=DUTCH, **kwargs).get_data(as_text=True)


def test_the_colleagues_page_and_the_contract_section_read_in_dutch(client, users, login):
    login(users.controller_a)
    client.post("/portal/colleagues/invite", data={"email": "collega@praktijk-x.example.org"}, headers=DUTCH)
    page = dutch(client, "/portal/colleagues/")
    for text in ("Collega's bij Huisartsenpraktijk X", "Gebruikers van Huisartsenpraktijk X", "Nodig een collega uit"):
        assert text in page
    assert "in afwachting" in page  # the invitation's state
    assert "Invite a colleague" not in page and "Users of" not in page
    [mail] = db.session.scalars(select(OutboxMessage).filter_by(recipient="collega@praktijk-x.example.org")).all()
    assert "uit om u bij Huisartsenpraktijk X aan te sluiten" in mail.body.text
    client.post("/logout")
    login(users.vcare_editor)
    section = dutch(client, f"/admin/processors/vcare/contracts/{of('vcare').id}/edit")
    assert "Nodig de privacyfunctionaris van Huisartsenpraktijk X uit" in section
    assert "Invite the privacy" not in section
    users_page = dutch(client, "/admin/processors/vcare/users/")
    assert "Uitnodigingen om redacteur van Vcare of gebruiker bij een van zijn klanten te worden" in users_page
    assert "Uitgenodigd als" in users_page


def test_the_invitation_pages_of_an_existing_account_read_in_dutch(client, users, login):
    invitation_mail.invite_controller(users.vcare_editor, of("vcare"), users.controller_a.email)
    url = link(users.controller_a.email)
    page = dutch(client, url)
    assert "Namens Vcare nodigt ed@vcare.example.org u" in page and "Log in om te accepteren" in page
    login(users.controller_b)
    other = dutch(client, url)
    assert f"Deze uitnodiging is voor {users.controller_a.email}; u bent ingelogd als" in other
    client.post("/logout")
    login(users.controller_a)
    assert "Accepteren" in dutch(client, url)
    client.post("/logout")
    with on(TODAY + timedelta(days=8)):
        expired = dutch(client, url)
        assert "Vraag om een nieuwe uitnodiging" in expired
        asked = client.post(url + "/ask", headers=DUTCH).get_data(as_text=True)
        assert "Er is om een nieuwe uitnodiging gevraagd" in asked
    [entry] = db.session.scalars(select(AuditEntry).filter_by(action="invitation.ask")).all()
    assert entry.summary == f"{users.controller_a.email} asked ed@vcare.example.org for a new invitation"  # English
