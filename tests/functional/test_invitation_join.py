"""An invitation to an address that has an account: the mail says to log in with it; the link asks to log in
(and comes back after), then an "Accept" button joins. An account belongs to one processor or one organisation:
an editor joins only its own (or no) processor; a controller user of organisation X invited to Y, which has no
users of its own, joins Y into X (its contracts move to X, on record), else it is refused; another address logged
in, or a disabled account, is told so clearly."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.mail import invitations as invitation_mail
from registry.models import AuditEntry, CustomerContract, Invitation, Organisation, Processor, User
from registry.subprocessors import editing

from ..factories import PASSWORD
from ..html import table_rows
from .test_controller_invitations import of
from .test_invitations import actions, invite, link, mails

pytestmark = pytest.mark.usefixtures("clock")
# Huisartsenpraktijk X's contracts in the demo seed (seed/demo.yaml), by reference.
X_CONTRACTS = {
    "Overeenkomst deelname BeterDichtbij Light landelijk Serviceconcept",
    "VC-2024-0117 (telefonie en Operator)",
}


def join(client, url):
    return client.post(url, data={})


def processor(slug: str) -> Processor:
    return db.session.scalar(select(Processor).filter_by(slug=slug))


def vtm_contract_of_a_new_organisation(actor, name="Huisartsenpraktijk X", reference="VTM-2026-001"):
    """A VTM editor adds a customer contract for an organisation typed by name: a new organisation of VTM's own,
    even when another processor has a customer of that name (tenants are kept apart)."""
    vtm = processor("vtm")
    return editing.save_contract(
        actor,
        vtm,
        None,
        {
            "organisation_id": None,
            "organisation_name": name,
            "reference": reference,
            "start_date": date(2026, 1, 1),
            "terms_id": vtm.contract_terms[0].id,
            "service_ids": [vtm.services[0].id],
            "notice_email": "privacy@huisartsenpraktijk-x.example",
            "notice_language": "en",
        },
    )


def dashboard_references(client) -> set[str]:
    rows = table_rows(client.get("/portal/").get_data(as_text=True), "Contracts of")
    return {row[0] for row in rows}


def test_not_logged_in_the_link_asks_to_log_in_and_comes_back(client, users, login):
    login(users.admin)
    invite(client, users.vcare_editor.email)  # an editor of vcare already: accepting changes nothing
    [mail] = mails(users.vcare_editor.email)
    assert "log in with your existing account to accept" in mail.body.text
    client.post("/logout")
    url = link(users.vcare_editor.email)
    page = client.get(url).get_data(as_text=True)
    assert "log in with your existing account to accept" in page
    assert f'href="/login?next={url}"' in page and "new_password" not in page
    logged_in = client.post(f"/login?next={url}", data={"email": users.vcare_editor.email, "password": PASSWORD})
    assert logged_in.status_code == 302 and logged_in.headers["Location"] == url
    assert 'type="submit">Accept<' in client.get(url).get_data(as_text=True)
    accepted = join(client, url)
    assert accepted.status_code == 302 and accepted.headers["Location"] == "/admin/"
    db.session.expire_all()
    editor = db.session.get(User, users.vcare_editor.id)
    assert (editor.role, editor.processor.slug) == ("editor", "vcare")
    assert db.session.scalar(select(Invitation)).accepted_at is not None
    assert [entry.actor_id for entry in actions("invitation.accept")] == [editor.id]
    again = client.get(url)
    assert again.status_code == 400 and "accepted already" in again.get_data(as_text=True)
    assert join(client, url).status_code == 400


def test_an_editor_of_no_processor_joins_and_another_processors_editor_is_refused(client, users, login):
    loose = User(email="los@example.org", role="editor")
    loose.set_password(PASSWORD)
    db.session.add(loose)
    db.session.commit()
    login(users.admin)
    invite(client, "los@example.org")
    invite(client, users.vtm_editor.email)
    invite(client, users.controller_a.email)
    client.post("/logout")
    login(loose)
    assert join(client, link("los@example.org")).headers["Location"] == "/admin/"
    db.session.expire_all()
    assert db.session.get(User, loose.id).processor.slug == "vcare"
    client.post("/logout")
    login(users.vtm_editor)
    refused = join(client, link(users.vtm_editor.email))
    assert refused.status_code == 400
    assert (
        "An account belongs to one processor or one organisation: ed@vtm.example.org is an editor of VTM"
        in refused.get_data(as_text=True)
    )
    client.post("/logout")
    login(users.controller_a)
    refused = join(client, link(users.controller_a.email))
    assert refused.status_code == 400 and "is a user of Huisartsenpraktijk X" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, users.vtm_editor.id).processor.slug == "vtm"
    pending = db.session.scalars(select(Invitation).where(Invitation.accepted_at.is_(None))).all()
    assert sorted(i.email for i in pending) == sorted([users.vtm_editor.email, users.controller_a.email])


def test_a_controller_of_the_same_organisation_accepts_and_nothing_changes(client, users, login):
    invitation_mail.invite_controller(users.vcare_editor, of("vcare"), users.controller_a.email)
    login(users.controller_a)
    before = dashboard_references(client)
    assert before == X_CONTRACTS
    accepted = join(client, link(users.controller_a.email))
    assert accepted.status_code == 302 and accepted.headers["Location"] == "/portal/"
    assert dashboard_references(client) == X_CONTRACTS and actions("organisation.merge") == []


def test_a_second_processors_customer_of_no_users_joins_the_controllers_organisation(client, users, login):
    contract = vtm_contract_of_a_new_organisation(users.vtm_editor)
    separate = contract.organisation
    assert (separate.slug, separate.name) == ("huisartsenpraktijk-x-2", "Huisartsenpraktijk X")
    x_id, y_id, contract_id = users.controller_a.organisation_id, separate.id, contract.id
    login(users.vtm_editor)
    client.post(f"/admin/processors/vtm/contracts/{contract_id}/invite", data={"email": users.controller_a.email})
    client.post("/logout")
    login(users.controller_a)
    assert dashboard_references(client) == X_CONTRACTS  # VTM's contract is not Huisartsenpraktijk X's yet
    url = link(users.controller_a.email)
    assert "as a user of Huisartsenpraktijk X" in client.get(url).get_data(as_text=True)
    assert join(client, url).headers["Location"] == "/portal/"
    # Worked out by hand: X's two demo contracts, and VTM's one that was Y's.
    assert dashboard_references(client) == X_CONTRACTS | {"VTM-2026-001"}
    db.session.expire_all()
    assert db.session.get(CustomerContract, contract_id).organisation_id == x_id
    assert db.session.get(Organisation, y_id) is None
    [merge] = actions("organisation.merge")
    assert merge.summary == (
        "Huisartsenpraktijk X (huisartsenpraktijk-x-2) joined to Huisartsenpraktijk X (huisartsenpraktijk-x) when "
        "a@praktijk-x.example.org accepted an invitation: its contracts VTM-2026-001 are now of Huisartsenpraktijk X"
    )
    assert merge.details["merged"]["slug"] == "huisartsenpraktijk-x-2"
    assert merge.details["into"]["slug"] == "huisartsenpraktijk-x"
    assert merge.details["contract_ids"] == [contract_id] and merge.processor_id == processor("vtm").id
    assert client.get(f"/portal/contracts/{contract_id}/").status_code == 200
    client.post("/logout")
    login(users.vtm_editor)  # the VTM contract is still VTM's, now of the organisation that accepted
    assert client.get(f"/admin/processors/vtm/contracts/{contract_id}/edit").status_code == 200
    assert client.get(f"/admin/processors/vtm/contracts/{of('vcare').id}/edit").status_code == 404


def test_an_organisation_with_users_of_its_own_is_not_joined(client, users, login):
    praktijk_b = db.session.get(Organisation, users.controller_b.organisation_id)
    vcare = processor("vcare")
    contract = editing.save_contract(
        users.admin,
        vcare,
        None,
        {
            "organisation_id": praktijk_b.id,
            "organisation_name": None,
            "reference": "VC-B-1",
            "start_date": date(2026, 1, 1),
            "terms_id": vcare.contract_terms[0].id,
            "service_ids": [vcare.services[0].id],
            "notice_email": "privacy@praktijk-b.example.org",
            "notice_language": "en",
        },
    )
    invitation_mail.invite_controller(users.vcare_editor, contract, users.controller_a.email)
    login(users.controller_a)
    refused = join(client, link(users.controller_a.email))
    assert refused.status_code == 400 and "Praktijk B has users of its own" in refused.get_data(as_text=True)
    assert dashboard_references(client) == X_CONTRACTS and actions("organisation.merge") == []
    db.session.expire_all()
    assert db.session.get(CustomerContract, contract.id).organisation_id == praktijk_b.id


def test_logged_in_as_another_address_or_disabled_is_said_clearly(client, users, login):
    invitation_mail.invite_controller(users.vcare_editor, of("vcare"), users.controller_a.email)
    url = link(users.controller_a.email)
    login(users.controller_b)
    page = client.get(url)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert (
        f"This invitation is for {users.controller_a.email}; you are logged in as {users.controller_b.email}." in text
    )
    assert join(client, url).status_code == 400
    client.post("/logout")
    users.controller_a.active = False
    db.session.commit()
    disabled = client.get(url)
    assert disabled.status_code == 400
    assert f"The account {users.controller_a.email} is disabled; ask the site admin." in disabled.get_data(as_text=True)
    assert db.session.scalar(select(Invitation)).accepted_at is None
    assert db.session.scalars(select(AuditEntry).filter_by(action="invitation.accept")).all() == []
