"""Objections under general authorisation: the form, the deadline, the receipt, the mail, and every bad input.

On a fixed clock: announced on Tuesday 1 December 2026, effective 45 days later (Friday 15 January 2027).
"""

from datetime import date

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from registry.audit import trail as audit
from registry.extensions import db
from registry.models import AuditEntry, OutboxMessage

from ..clock import on
from ..html import alert, facts, field_errors, texts
from .portal import GROUNDS, US, announce, contract, objection_form, objection_url, objections, published_on

NOTICE = "privacy@huisartsenpraktijk-x.example"
VC = "VC-2024-0117 (telefonie en Operator)"
pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def announced(users):
    return announce(users.vcare_editor)


def test_a_notice_address_that_is_also_an_editors_gets_the_receipt_once(client, users, login, announced):
    """A small processor's editor who typed their own address as a customer's notice address: one message, the
    controller's (the contractual notice), not a unique violation on the outbox's key."""
    vc = contract()
    vc.notice_email = users.vcare_editor.email
    db.session.commit()
    login(users.controller_a)
    response = client.post(objection_url(announced, vc), data=objection_form(announced, vc))
    assert response.status_code == 302
    [made] = objections()
    mail = [m for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "objection"))]
    assert sorted(m.recipient for m in mail) == sorted(
        [users.vcare_editor.email, users.controller_a.email, "editor@vcare.example"]
    )
    [both] = [m for m in mail if m.recipient == users.vcare_editor.email]
    assert f"/portal/objections/{made.id}/" in both.body.text


def test_a_controller_objects_and_gets_a_receipt_and_a_copy_by_mail(client, users, login, announced):
    login(users.controller_a)
    vc = contract()
    page = client.get(objection_url(announced, vc)).get_data(as_text=True)
    assert "Object to announcement" in page and "Computed by analogy with Reg. (EEC, Euratom) No 1182/71" in page
    assert "Your contract sets no deadline for objections (art. 4.1): you may object at any time." in page
    response = client.post(objection_url(announced, vc), data=objection_form(announced, vc))
    assert response.status_code == 302
    [made] = objections()
    assert made.reference == f"OBJ-VCARE-{announced.number:03d}-{vc.id:05d}"
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert (
        f"Receipt: your objection was received on December 1, 2026, 12:00 CET under reference {made.reference}. A copy "
        "was mailed to your contract's notice address; Vcare was told."
    ) in texts(receipt, "p")
    assert facts(receipt)["Services"] == "Operator" and facts(receipt)["Reference"] == made.reference
    assert "objection.submit" not in receipt and "Objection " + made.reference in receipt  # the audit log, in words
    mail = {m.recipient: m for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "objection"))}
    # every editor of Vcare: the test's and the demo's
    assert set(mail) == {NOTICE, users.controller_a.email, users.vcare_editor.email, "editor@vcare.example"}
    assert mail[NOTICE].body.subject.startswith(f"Receipt {made.reference}")
    assert GROUNDS in mail[NOTICE].body.text and "/portal/objections/" in mail[NOTICE].body.text
    assert f"/admin/processors/vcare/objections/{made.id}/" in mail[users.vcare_editor.email].body.text
    assert audit.verify_chain() == []


def test_the_dashboard_shows_contracts_deadlines_days_left_and_history(client, users, login, announced):
    login(users.controller_a)
    page = client.get("/portal/").get_data(as_text=True)
    assert "VC-2024-0117" in page and "Changes that need your decision" in page
    assert str(announced.title) in page and "You may object" in page
    assert "January 15, 2027 in 45 days" in texts(page, "td")
    assert "none: your contract sets no deadline" in page and "Object<span" in page
    client.post(objection_url(announced, contract()), data=objection_form(announced, contract()))
    page = client.get("/portal/").get_data(as_text=True)
    assert objections()[0].reference in page and "Open: in consultation" in page


ONE_SENTENCE = (
    "Explain your grounds in at least a sentence (5 words or more): the contract lets you object on "
    "reasonable grounds (art. 4.1)."
)


@pytest.mark.parametrize(
    "grounds,message",
    [
        ("", "Give the grounds for your objection."),
        ("No.", ONE_SENTENCE),
        ("   unreasonable   ", ONE_SENTENCE),
    ],
)
def test_empty_or_one_word_grounds_are_refused_and_what_was_typed_is_kept(
    client, users, login, announced, grounds, message
):
    login(users.controller_a)
    response = client.post(
        objection_url(announced, contract()), data=objection_form(announced, contract(), grounds=grounds)
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and field_errors(page) == {"grounds": message}
    assert grounds.strip() in page
    assert objections() == []


def test_a_service_outside_the_contract_is_refused(client, users, login):
    editor = users.vcare_editor
    item = announce(editor, services=("operator", "telefonie"))
    vc = contract()
    vc.services = [s for s in vc.services if s.key == "operator"]
    db.session.commit()
    login(users.controller_a)
    response = client.post(objection_url(item, vc), data=objection_form(item, vc, services=("telefonie",)))
    assert response.status_code == 400
    assert field_errors(response.get_data(as_text=True)) == {
        "service_ids": (f"You can object only for services of your contract {VC} that this announcement changes.")
    }
    assert str(escape(GROUNDS)) in response.get_data(as_text=True) and objections() == []


def test_no_service_chosen_is_refused(client, users, login, announced):
    login(users.controller_a)
    data = objection_form(announced, contract())
    data.pop("service_ids")
    response = client.post(objection_url(announced, contract()), data=data)
    assert response.status_code == 400
    assert field_errors(response.get_data(as_text=True)) == {
        "service_ids": "Choose the services your objection concerns."
    }


def test_a_second_objection_shows_the_first(client, users, login, announced):
    login(users.controller_a)
    url, data = objection_url(announced, contract()), objection_form(announced, contract())
    first = client.post(url, data=data)
    again = client.post(url, data=dict(data, grounds=GROUNDS + " Again, in other words, once more."))
    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]
    assert len(objections()) == 1 and objections()[0].grounds == GROUNDS
    assert f"Your objection was received. Reference: {objections()[0].reference}." in texts(
        client.get(first.headers["Location"]).get_data(as_text=True), "p"
    )
    assert client.get(url).status_code == 302  # the form itself now sends to the first


def test_a_double_submitted_form_stores_one_objection_and_one_set_of_mail(client, users, login, announced):
    login(users.controller_a)
    url, data = objection_url(announced, contract()), objection_form(announced, contract())
    statuses = [client.post(url, data=data).status_code for _ in range(3)]
    assert statuses == [302, 302, 302]
    assert len(objections()) == 1
    assert (
        db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "objection")) == 4
    )  # notice address, controller, 2 editors


def test_an_objection_to_a_withdrawn_announcement_is_refused(client, users, login, announced):
    from registry.announcements import publication

    from .portal import processor

    publication.withdraw(users.vcare_editor, processor("vcare"), announced.id, "Supplier fell through")
    login(users.controller_a)
    withdrawn = (
        f"Vcare withdrew announcement #{announced.number} on December 1, 2026: the change will not happen, "
        "so there is nothing to object to."
    )
    page = client.get(objection_url(announced, contract())).get_data(as_text=True)
    assert withdrawn in texts(page, "p") and "<textarea" not in page
    response = client.post(objection_url(announced, contract()), data=objection_form(announced, contract()))
    assert response.status_code == 400 and alert(response.get_data(as_text=True)) == withdrawn
    assert str(escape(GROUNDS)) in response.get_data(as_text=True) and objections() == []


def test_a_deadline_on_a_saturday_and_holiday_rolls_to_the_next_working_day(client, users, login, announced):
    # Only a contract that states a period to object has a deadline; the test gives Vcare's terms one of 30 days.
    terms = contract().terms
    terms.objection_days, terms.objection_period_article = 30, "4.1 (test)"
    db.session.commit()
    # Published 26 Nov 2026: 30 days end on Saturday 26 December (Second Christmas Day) → Monday 28 December.
    published_on(announced, date(2026, 11, 26))
    with on(date(2026, 12, 29)):
        login(users.controller_a)
        page = client.get(objection_url(announced, contract())).get_data(as_text=True)
        assert "December 28, 2026" in page and "can no longer be submitted" in page and "<textarea" not in page
        response = client.post(objection_url(announced, contract()), data=objection_form(announced, contract()))
        assert response.status_code == 400 and objections() == []
    with on(date(2026, 12, 28), hour=23):  # the last hour of the last day
        login(users.controller_a)
        page = client.get(objection_url(announced, contract())).get_data(as_text=True)
        assert "December 28, 2026" in page and "3(4)" in page and "December 26, 2026" in page and "<textarea" in page
        assert (
            client.post(objection_url(announced, contract()), data=objection_form(announced, contract())).status_code
            == 302
        )
    assert objections()[0].deadline == date(2026, 12, 28)


@pytest.mark.parametrize(
    "field,value", [("announcement_id", "999999"), ("contract_id", "1"), ("contract_id", "x' OR 1=1")]
)
def test_a_tampered_hidden_field_is_refused_and_keeps_the_text(client, users, login, announced, field, value):
    login(users.controller_a)
    data = objection_form(announced, contract(), **{field: value})
    if field == "contract_id" and value == "1" and contract().id == 1:
        data[field] = "2"
    response = client.post(objection_url(announced, contract()), data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and str(escape(GROUNDS)) in page
    assert alert(page) == (
        "Please correct the following This form was changed after the site sent it (it names "
        "another announcement or contract than this page). Nothing was recorded; check the page "
        "and submit again."
    )
    assert objections() == []


def test_a_tampered_service_value_is_refused(client, users, login, announced):
    login(users.controller_a)
    data = objection_form(announced, contract())
    data["service_ids"] = ["not-a-number"]
    response = client.post(objection_url(announced, contract()), data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and str(escape(GROUNDS)) in page and objections() == []
    assert list(field_errors(page)) == ["service_ids"]


def test_a_change_needing_consent_has_no_objection_form(client, users, login):
    item = announce(users.vcare_editor, locations=US)  # outside the EEA under Vcare art. 5.3: consent
    login(users.controller_a)
    consent = (
        f"Under your contract {VC} this change needs your consent (art. 5.1, 5.3); grant or refuse it instead "
        "of objecting."
    )
    page = client.get(objection_url(item, contract())).get_data(as_text=True)
    assert consent in texts(page, "p") and "<textarea" not in page
    response = client.post(objection_url(item, contract()), data=objection_form(item, contract()))
    assert response.status_code == 400 and objections() == []
    assert alert(response.get_data(as_text=True)) == consent


def test_the_announcement_page_and_mail_lead_to_the_portal(client, users, announced):
    page = client.get(f"/processors/vcare/changes/{announced.number}/").get_data(as_text=True)
    assert f"/portal/announcements/{announced.id}/" in page
    notice = db.session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.kind == "contract_announcement", OutboxMessage.announcement_id == announced.id
        )
    )
    assert f"/portal/announcements/{announced.id}/" in notice.body.text
    assert "Object in the portal" in notice.body.text


def test_the_respond_page_lists_what_the_announcement_asks_of_each_contract(client, users, login, announced):
    login(users.controller_a)
    page = client.get(f"/portal/announcements/{announced.id}/").get_data(as_text=True)
    assert "VC-2024-0117" in page and objection_url(announced, contract()) in page


def test_every_step_is_audited_on_the_objection(client, users, login, announced):
    login(users.controller_a)
    client.post(objection_url(announced, contract()), data=objection_form(announced, contract()))
    made = objections()[0]
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "Objection", AuditEntry.object_id == made.id)
    ).all()
    assert [e.action for e in entries] == ["objection.submit"]
    assert entries[0].actor_label == users.controller_a.email and entries[0].details["grounds"] == GROUNDS
    assert entries[0].summary.startswith(f"Objection {made.reference} ")
