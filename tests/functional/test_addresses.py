"""Addresses the mail path can deliver: a non-ASCII part before the @ (which needs SMTPUTF8 from every server
on the way) is refused at the form, with the input kept; an internationalised domain is stored and sent in
its ASCII (punycode) form, which any SMTP server takes."""

from __future__ import annotations

from sqlalchemy import select

from registry.extensions import db
from registry.mail.delivery import deliver
from registry.models import CustomerContract, OutboxMessage, Subscription, User

from .test_admin import _contract_data

REFUSED = "Mail to an address with ‘ö’ before the @ cannot be delivered from this portal."


def subscribe(client, email, **headers):
    return client.post("/processors/vcare/subscribe", data={"email": email, "language": "en"}, headers=headers)


def test_subscribing_with_a_non_ascii_local_part_is_refused_and_keeps_the_input(client):
    response = subscribe(client, "jöran@example.nl")
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert REFUSED in text
    assert 'value="jöran@example.nl"' in text
    assert db.session.scalar(select(Subscription)) is None and db.session.scalar(select(OutboxMessage)) is None


def test_the_refusal_is_explained_in_dutch(client):
    text = subscribe(client, "jöran@example.nl", **{"Accept-Language": "nl"}).get_data(as_text=True)
    assert "Naar een adres met ‘ö’ vóór de @ kan dit portaal geen mail bezorgen." in text


def test_users_create_refuses_a_non_ascii_local_part(runner, app):
    result = runner.invoke(args=["users", "create", "jöran@example.nl", "--role", "admin"], input="kXq9-ryTf-82hw\n")
    assert result.exit_code == 1 and REFUSED in result.output
    assert db.session.scalar(select(User).filter(User.email.like("j%ran@example.nl"))) is None


def test_a_contract_notice_address_with_a_non_ascii_local_part_is_refused(client, users, login):
    login(users.vcare_editor)
    response = client.post(
        "/admin/processors/vcare/contracts/new", data=_contract_data(notice_email="privacy.jöran@example.nl")
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and REFUSED in text and 'value="privacy.jöran@example.nl"' in text
    assert db.session.scalar(select(CustomerContract).filter_by(reference="VC-2026-9")) is None


def test_an_internationalised_domain_is_stored_and_delivered_as_punycode(client, smtp):
    response = subscribe(client, "Reader@Bücher.example")
    assert response.status_code == 200 and "Check your mail" in response.get_data(as_text=True)
    sub = db.session.scalar(select(Subscription))
    assert sub.email == "reader@xn--bcher-kva.example"  # bücher → xn--bcher-kva (RFC 3492)
    with smtp() as server:
        report = deliver("test", once=True)
    assert (report.sent, report.failed) == (1, 0)
    assert [rcpt for _sender, rcpt in server.handler.envelopes] == [["reader@xn--bcher-kva.example"]]
    assert server.handler.messages[0]["To"] == "reader@xn--bcher-kva.example"


def test_the_same_domain_typed_either_way_is_one_subscription(client):
    subscribe(client, "reader@bücher.example")
    subscribe(client, "reader@xn--bcher-kva.example")
    assert [s.email for s in db.session.scalars(select(Subscription))] == ["reader@xn--bcher-kva.example"]


def test_an_old_non_ascii_address_in_the_outbox_fails_alone_and_the_worker_goes_on(app, smtp):
    """A row queued before the forms refused such addresses is recorded as a permanent failure; it does not
    crash the worker and leave the rest of the batch claimed."""
    from registry.mail.outbox import queue_one
    from registry.models import MailBody

    body = MailBody(subject="Test", text="Test", html="<p>Test</p>")
    db.session.add(body)
    db.session.flush()
    for recipient in ("old@bücher.example", "next@example.org"):
        queue_one("subscription", recipient, body, f"test:{recipient}")
    db.session.commit()
    with smtp() as server:
        report = deliver("test", once=True)
    assert (report.sent, report.failed) == (1, 1)
    stored = {m.recipient: m for m in db.session.scalars(select(OutboxMessage))}
    assert stored["old@bücher.example"].status == "failed"
    assert "needs SMTPUTF8" in stored["old@bücher.example"].last_error
    assert [rcpt for _sender, rcpt in server.handler.envelopes] == [["next@example.org"]]
