"""Inviting a customer's privacy officer from the contract page (/admin/processors/<slug>/contracts/<id>/invite):
the invitation is for the contract's organisation; the mail names the processor, the organisation and what the
portal offers; accepting makes a controller user of that organisation, logged in on /portal/. Another processor's
contract is out of reach (404), from the form and in the domain function the bulk import calls."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from registry.exceptions import DomainError, NotFound
from registry.extensions import db
from registry.mail import invitations as invitation_mail
from registry.mail.delivery import deliver
from registry.models import CustomerContract, Invitation, OutboxMessage, User

from ..clock import TODAY, on
from ..factories import NOTICE_45, contract_with_notice_days
from ..html import table_rows
from .test_invitations import accept, actions, link, mails

pytestmark = pytest.mark.usefixtures("clock")
OFFICER = "privacy.officer@tandarts-noord.example"


def invite(client, contract_id, email=OFFICER, slug="vcare"):
    return client.post(f"/admin/processors/{slug}/contracts/{contract_id}/invite", data={"email": email})


def of(slug: str) -> CustomerContract:
    """The seeded demo contract of Huisartsenpraktijk X with the processor `slug`."""
    query = select(CustomerContract).join(CustomerContract.processor).where(CustomerContract.processor.has(slug=slug))
    return db.session.scalar(query.order_by(CustomerContract.id))


@pytest.mark.parametrize("inviter", ["vcare_editor", "admin"])
def test_the_privacy_officer_is_invited_and_lands_on_the_portal(client, users, login, inviter):
    contract = contract_with_notice_days(users.vcare_editor)  # Tandartspraktijk Noord, a new organisation
    login(getattr(users, inviter))
    answer = invite(client, contract.id)
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"/admin/processors/vcare/contracts/{contract.id}/edit"
    [mail] = mails(OFFICER)
    who = getattr(users, inviter).email
    assert (
        f"On behalf of Vcare, {who} invites you ({OFFICER}) to the portal of the sub-processor registry, as a user "
        "of Tandartspraktijk Noord." in mail.body.text
    )
    assert "object to a change or decide on consent" in mail.body.text
    [made] = db.session.scalars(select(Invitation)).all()
    assert (made.role, made.organisation.name, made.processor.slug) == ("controller", NOTICE_45.organisation, "vcare")
    [created] = actions("invitation.create")
    assert created.processor_id == made.processor_id
    page = client.get(f"/admin/processors/vcare/contracts/{contract.id}/edit").get_data(as_text=True)
    rows = table_rows(page, "Invitations to become a user of Tandartspraktijk Noord")
    assert [row[0] for row in rows] == [OFFICER] and "pending" in rows[0]
    users_page = client.get("/admin/processors/vcare/users/").get_data(as_text=True)
    assert any("user of Tandartspraktijk Noord" in row for row in table_rows(users_page, "Invitations to"))
    client.post("/logout")
    url = link(OFFICER)
    assert "as a user of Tandartspraktijk Noord" in client.get(url).get_data(as_text=True)
    landed = accept(client, url)
    assert landed.status_code == 302 and landed.headers["Location"] == "/portal/"
    dashboard = client.get("/portal/").get_data(as_text=True)
    assert NOTICE_45.reference in dashboard and "VC-2024-0117" not in dashboard  # its own contract, no other
    assert client.get("/admin/").status_code == 403
    db.session.expire_all()
    officer = db.session.scalar(select(User).filter_by(email=OFFICER))
    assert (officer.role, officer.processor_id) == ("controller", None)
    assert officer.organisation_id == contract.organisation_id
    assert [entry.actor_id for entry in actions("invitation.accept")] == [officer.id]
    assert client.get(url).status_code == 400 and accept(client, url).status_code == 400  # used once


def test_the_mail_is_in_the_contracts_language_and_arrives_over_smtp(client, users, login, smtp):
    contract = contract_with_notice_days(users.vcare_editor)
    contract.notice_language = "nl"
    db.session.commit()
    login(users.vcare_editor)
    invite(client, contract.id)
    with smtp() as server:
        report = deliver("test", once=True)
    assert report.failed == 0
    [received] = server.handler.received_by()[OFFICER]
    assert received["Subject"] == "U bent uitgenodigd voor het subverwerkersregister"
    text = received.get_body(("plain",)).get_content()
    assert "Namens Vcare" in text and "Tandartspraktijk Noord" in text
    url = re.search(r"http://registry\.test(/invitations/\S+)", text).group(1)
    client.post("/logout")
    assert accept(client, url).headers["Location"] == "/portal/"


def test_a_bad_or_repeated_address_is_refused_with_what_was_typed(client, users, login):
    contract = contract_with_notice_days(users.vcare_editor)
    login(users.vcare_editor)
    bad = invite(client, contract.id, "not an address")
    assert bad.status_code == 400 and 'value="not an address"' in bad.get_data(as_text=True)
    assert invite(client, contract.id).status_code == 302
    again = invite(client, contract.id, OFFICER.upper())
    assert again.status_code == 400 and "has a pending invitation already" in again.get_data(as_text=True)
    assert len(mails(OFFICER)) == 1 and len(actions("invitation.create")) == 1
    with pytest.raises(DomainError):
        invitation_mail.invite_controller(users.vcare_editor, contract, "")


def test_another_processors_contract_is_out_of_reach(client, users, login):
    vcare, beterdichtbij = of("vcare"), of("beterdichtbij")
    login(users.vcare_editor)
    assert invite(client, beterdichtbij.id).status_code == 404  # not a contract of vcare
    assert invite(client, beterdichtbij.id, slug="beterdichtbij").status_code == 404  # not vcare's editor's
    assert client.get(f"/admin/processors/vcare/contracts/{beterdichtbij.id}/edit").status_code == 404
    client.post("/logout")
    login(users.vtm_editor)
    assert invite(client, vcare.id).status_code == 404
    assert invite(client, vcare.id, slug="vtm").status_code == 404
    with pytest.raises(NotFound):
        invitation_mail.invite_controller(users.vtm_editor, vcare, OFFICER)
    client.post("/logout")
    login(users.controller_a)
    assert invite(client, vcare.id).status_code == 403
    assert db.session.scalars(select(Invitation)).all() == [] and mails(OFFICER) == []


def test_an_expired_or_revoked_controller_invitation(client, users, login):
    contract = contract_with_notice_days(users.vcare_editor)
    login(users.vcare_editor)
    invite(client, contract.id)
    invitation_id = db.session.scalar(select(Invitation.id))
    client.post("/logout")
    url = link(OFFICER)
    with on(TODAY + timedelta(days=7)):  # 8 December at noon: the week is over
        page = client.get(url)
        assert page.status_code == 400 and "has expired" in page.get_data(as_text=True)
        assert client.post(url + "/ask").status_code == 200
        login(users.vcare_editor)
        client.post(f"/admin/processors/vcare/users/invitations/{invitation_id}/resend")
        client.post(f"/admin/processors/vcare/users/invitations/{invitation_id}/revoke")
        client.post("/logout")
        assert "withdrawn" in client.get(link(OFFICER)).get_data(as_text=True)
        assert accept(client, link(OFFICER)).status_code == 400
    [asked] = mails_of("invitation_request")
    assert asked.recipient == "ed@vcare.example.org"
    assert "new invitation to Tandartspraktijk Noord" in asked.body.text
    assert "http://registry.test/admin/processors/vcare/users/" in asked.body.text
    assert db.session.scalar(select(User).filter_by(email=OFFICER)) is None


def mails_of(kind):
    return db.session.scalars(select(OutboxMessage).filter_by(kind=kind)).all()


def test_the_import_can_invite_in_its_own_transaction(users):
    """queue_controller_invitation leaves the commit to the caller: rolled back, nothing is stored or mailed."""
    contract = contract_with_notice_days(users.vcare_editor)
    invitation_mail.queue_controller_invitation(users.vcare_editor, contract, OFFICER)
    db.session.rollback()
    assert db.session.scalars(select(Invitation)).all() == [] and mails(OFFICER) == []
    with pytest.raises(NotFound):
        invitation_mail.queue_controller_invitation(users.vtm_editor, contract, OFFICER)
