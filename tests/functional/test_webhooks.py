"""Webhooks to a real HTTPS receiver on 127.0.0.1 (tests/webhook_receiver.py), signatures checked with the
standardwebhooks package; the worker's in-process half (registry.webhooks.delivery.deliver_due).

On a fixed clock (Tuesday 1 December 2026, noon in Amsterdam), which the receiver's signature check reads too.
`announce` publishes today with the change taking effect 45 days later: Friday 15 January 2027. Vcare's notice
period is its own 30-day policy (seed/vcare.yaml, notice_source: policy): the day of the announcement does not count,
so it ends on Thursday 31 December 2026. Art. 4.1 of Huisartsenpraktijk X's Vcare contract sets no period to
object, so there is no objection deadline.
"""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from registry.extensions import db
from registry.models import AuditEntry, OutboxMessage, Subscription, WebhookDelivery, WebhookEndpoint
from registry.webhooks import delivery

from ..webhook_receiver import Receiver
from .portal import announce, contract, objection_form, objection_url, processor, service

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def receiver(app, tmp_path, monkeypatch):
    with Receiver(tmp_path / "tls") as found:
        monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE_TARGETS", True)
        monkeypatch.setitem(app.config, "WEBHOOK_CA_FILE", str(found.ca))
        monkeypatch.setitem(app.config, "WEBHOOK_RETRY_BASE", 0)
        monkeypatch.setitem(app.config, "WEBHOOK_TIMEOUT", 2)
        yield found


def deliver() -> int:
    """Run the worker's webhook half until nothing is due."""
    total = 0
    while (claimed := delivery.deliver_due("test")) > 0:
        total += claimed
    return total


def register(client, login, user, url, side="/portal") -> WebhookEndpoint:
    login(user)
    response = client.post(f"{side}/webhooks/", data={"url": url, "description": "Contract system"})
    assert response.status_code == 303, response.get_data(as_text=True)
    found = db.session.scalar(select(WebhookEndpoint).order_by(WebhookEndpoint.id.desc()))
    assert response.headers["Location"].endswith(f"{side}/webhooks/{found.id}")
    return found


def verified(record: dict, secret: str) -> dict:
    """The event as the receiver's own code would take it: verified by the standardwebhooks package."""
    return Webhook(secret).verify(record["body"], record["headers"])


def test_a_controller_endpoint_is_verified_then_receives_a_signed_announcement(client, users, login, receiver):
    endpoint = register(client, login, users.controller_a, receiver.url)
    assert endpoint.status == "unverified" and endpoint.secret.startswith("whsec_")
    item = announce(users.vcare_editor)
    # Nothing is queued for an endpoint that has not answered its verification message.
    assert db.session.scalars(select(WebhookDelivery.event_type).filter_by(endpoint_id=endpoint.id)).all() == [
        "webhook.verification"
    ]
    deliver()
    challenge = receiver.script.received[0]
    assert verified(challenge, endpoint.secret)["type"] == "webhook.verification"
    db.session.refresh(endpoint)
    assert endpoint.status == "active" and endpoint.verified_at is not None
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("webhook.%"))).all()
    assert actions == ["webhook.create", "webhook.verified"]

    later = announce(users.vcare_editor, name="Beta Cloud", days=60)
    deliver()
    (event,) = receiver.script.events()
    body = verified(event, endpoint.secret)
    assert body["type"] == "announcement.published"
    assert body["timestamp"] == "2026-12-01T11:00:00Z"
    announcement = body["data"]["announcement"]
    assert announcement["number"] == later.number and announcement["number"] != item.number
    assert announcement["effective_date"] == "2027-01-30"  # 1 December 2026 + 60 days
    assert announcement["services"] == ["operator"]
    assert announcement["url"] == f"http://registry.test/processors/vcare/changes/{later.number}/"
    (mine,) = body["data"]["contracts"]
    assert mine["reference"] == contract().reference == "VC-2024-0117 (telefonie en Operator)"
    assert mine["notice_period_ends"] == "2026-12-31" and mine["objection_deadline"] is None
    assert mine["respond_url"] == f"http://registry.test/portal/announcements/{later.id}/"
    assert event["headers"]["webhook-id"].startswith("msg_")
    # A changed byte fails the signature.
    tampered = dict(event, body=event["body"].replace(b"2027-01-30", b"2027-01-31"))
    with pytest.raises(WebhookVerificationError):
        verified(tampered, endpoint.secret)
    row = db.session.scalar(select(WebhookDelivery).filter_by(webhook_id=event["headers"]["webhook-id"]))
    assert (row.status, row.attempts, row.response_status) == ("sent", 1, 200)
    page = client.get(f"/portal/webhooks/{endpoint.id}").get_data(as_text=True)
    assert row.webhook_id in page and endpoint.secret in page


def test_another_organisation_is_not_told_and_cannot_see_the_endpoint(client, users, login, receiver):
    endpoint = register(client, login, users.controller_a, receiver.url)
    client.post("/logout")
    deliver()
    login(users.controller_b)
    assert client.get(f"/portal/webhooks/{endpoint.id}").status_code == 404
    assert client.post(f"/portal/webhooks/{endpoint.id}/remove").status_code == 404
    assert receiver.url not in client.get("/portal/webhooks/").get_data(as_text=True)
    client.post("/logout")
    login(users.vtm_editor)
    assert client.get(f"/admin/processors/vtm/webhooks/{endpoint.id}").status_code == 404
    assert client.get(f"/admin/processors/vcare/webhooks/{endpoint.id}").status_code == 404
    # Praktijk B has no contract with Vcare: its own endpoint hears nothing of Vcare's announcement.
    client.post("/logout")
    theirs = register(client, login, users.controller_b, receiver.url + "/b")
    deliver()
    announce(users.vcare_editor)
    deliver()
    to = [r["path"] for r in receiver.script.events()]
    assert to == ["/hooks/registry"]
    assert db.session.get(WebhookEndpoint, theirs.id).status == "active"


def test_the_processor_hears_of_an_objection(client, users, login, receiver):
    endpoint = register(client, login, users.vcare_editor, receiver.url, side="/admin/processors/vcare")
    client.post("/logout")
    deliver()
    item = announce(users.vcare_editor)
    login(users.controller_a)
    assert client.post(objection_url(item, contract()), data=objection_form(item, contract())).status_code == 302
    deliver()
    types = [verified(r, endpoint.secret)["type"] for r in receiver.script.events()]
    assert types == ["announcement.published", "objection.submitted"]
    body = verified(receiver.script.events()[1], endpoint.secret)["data"]
    assert body["contract"] == {
        "reference": "VC-2024-0117 (telefonie en Operator)",
        "organisation": "Huisartsenpraktijk X",
    }
    assert body["objection"]["announcement_number"] == item.number
    assert body["objection"]["services"] == ["operator"]
    assert "grounds" not in json.dumps(body)  # the text of the objection stays in the portal


def test_retries_after_500_and_a_time_out_then_one_delivery(client, users, login, receiver, app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_TIMEOUT", 0.5)
    endpoint = register(client, login, users.vcare_editor, receiver.url, side="/admin/processors/vcare")
    deliver()
    receiver.script.answers[:] = [500, 1.5]
    announce(users.vcare_editor)
    deliver()
    attempts = receiver.script.events()
    assert len(attempts) == 3  # 500, no answer within 0.5 s, then 200
    assert len({a["headers"]["webhook-id"] for a in attempts}) == 1
    assert len({a["body"] for a in attempts}) == 1
    row = db.session.scalar(
        select(WebhookDelivery).filter_by(endpoint_id=endpoint.id, event_type="announcement.published")
    )
    assert (row.status, row.attempts, row.response_status) == ("sent", 3, 200)
    assert db.session.get(WebhookEndpoint, endpoint.id).consecutive_failures == 0


def test_a_receiver_that_answers_a_byte_at_a_time_is_cut_off(client, users, login, receiver, app, monkeypatch):
    """Its 200 came first, so the event counts as delivered; the rest of its body is not waited for."""
    monkeypatch.setitem(app.config, "WEBHOOK_TIMEOUT", 0.5)
    endpoint = register(client, login, users.vcare_editor, receiver.url, side="/admin/processors/vcare")
    deliver()
    receiver.script.answers[:] = [("trickle", 0.2)]  # each byte within 0.5 s, the 200 bytes in 40 s
    announce(users.vcare_editor)
    started = time.monotonic()
    delivery.deliver_due("test")
    assert time.monotonic() - started < 5  # cut off after 3 × 0.5 s, not 40 s
    row = db.session.scalar(
        select(WebhookDelivery).filter_by(endpoint_id=endpoint.id, event_type="announcement.published")
    )
    assert (row.status, row.attempts, row.response_status) == ("sent", 1, 200)
    assert 0 < len(row.response_excerpt) < 200


def test_a_receiver_that_sends_its_status_a_byte_at_a_time_gave_no_answer(
    client, users, login, receiver, app, monkeypatch
):
    monkeypatch.setitem(app.config, "WEBHOOK_TIMEOUT", 0.5)
    endpoint = register(client, login, users.vcare_editor, receiver.url, side="/admin/processors/vcare")
    deliver()
    receiver.script.answers[:] = [("stall", 0.2)]
    announce(users.vcare_editor)
    started = time.monotonic()
    delivery.deliver_due("test")
    assert time.monotonic() - started < 5
    row = db.session.scalar(
        select(WebhookDelivery).filter_by(endpoint_id=endpoint.id, event_type="announcement.published")
    )
    assert (row.status, row.attempts, row.response_status) == ("queued", 1, None)
    assert row.last_error == "no whole answer within 1.5 s"
    deliver()  # retried at once (WEBHOOK_RETRY_BASE 0): the receiver answers 200 now
    assert db.session.get(WebhookDelivery, row.id).status == "sent"


def test_repeated_failures_pause_the_endpoint_and_mail_its_owner(client, users, login, receiver, app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_PAUSE_AFTER", 3)
    endpoint = register(client, login, users.vcare_editor, receiver.url, side="/admin/processors/vcare")
    deliver()
    receiver.script.answers[:] = [503, 503, 503]
    announce(users.vcare_editor)
    announce(users.vcare_editor, name="Beta Cloud")
    deliver()
    assert len(receiver.script.events()) == 3  # then paused: nothing more is tried
    db.session.refresh(endpoint)
    assert endpoint.status == "paused" and endpoint.consecutive_failures == 3
    queued = db.session.scalars(select(WebhookDelivery.status).filter_by(endpoint_id=endpoint.id)).all()
    assert sorted(queued) == ["queued", "queued", "sent"]  # the verification, and both events kept
    mail = db.session.scalars(select(OutboxMessage).filter_by(kind="webhook_paused")).all()
    # Every active editor of Vcare: the seeded one and the test's.
    assert sorted(m.recipient for m in mail) == ["ed@vcare.example.org", "editor@vcare.example"]
    assert receiver.url in mail[0].body.text and "503" in mail[0].body.text
    assert f"/admin/processors/vcare/webhooks/{endpoint.id}" in mail[0].body.text
    assert delivery.deliver_due("test") == 0
    response = client.post(f"/admin/processors/vcare/webhooks/{endpoint.id}/resume")
    assert response.status_code == 303
    deliver()
    assert len(receiver.script.events()) == 5
    assert sorted(db.session.scalars(select(WebhookDelivery.status).filter_by(endpoint_id=endpoint.id))) == [
        "sent",
        "sent",
        "sent",
    ]


def test_an_endpoint_that_does_not_answer_the_challenge_stays_unverified(client, users, login, receiver):
    receiver.script.answer_challenge = False
    endpoint = register(client, login, users.controller_a, receiver.url)
    deliver()
    db.session.refresh(endpoint)
    assert endpoint.status == "unverified" and "challenge" in endpoint.last_error
    announce(users.vcare_editor)
    assert db.session.scalars(select(WebhookDelivery.event_type).filter_by(endpoint_id=endpoint.id)).all() == [
        "webhook.verification"
    ]
    receiver.script.answer_challenge = True
    assert client.post(f"/portal/webhooks/{endpoint.id}/verify").status_code == 303
    deliver()
    assert db.session.get(WebhookEndpoint, endpoint.id).status == "active"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://hooks.example.org/x", "must start with https://"),
        ("https://127.0.0.1:8443/x", "an address inside a network"),
        ("https://10.1.2.3/x", "an address inside a network"),
        ("https://169.254.169.254/latest/meta-data/", "an address inside a network"),
        ("https://[::1]/x", "an address inside a network"),
        ("https://[::ffff:192.168.0.1]/x", "an address inside a network"),
        ("https://100.64.0.1/x", "an address inside a network"),
        ("https://[64:ff9b::a9fe:a9fe]/x", "an address inside a network"),  # NAT64 of 169.254.169.254
        ("https://[2002:7f00:1::]/x", "an address inside a network"),  # 6to4 of 127.0.0.1
        ("https://[::127.0.0.1]/x", "an address inside a network"),  # IPv4-compatible
        ("https://[fec0::1]/x", "an address inside a network"),  # site-local
        ("https://user:secret@hooks.example.org/x", "Leave the user name and password out"),
        ("https:///x", "names no host"),
        ("https://hooks.example.org:99999/x", "not a web address"),
        ("   ", "Enter the HTTPS address of your endpoint."),
    ],
)
def test_bad_addresses_are_refused_and_kept_in_the_form(client, users, login, url, says):
    login(users.controller_a)
    response = client.post("/portal/webhooks/", data={"url": url, "description": "typed"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and says in page, page
    if url.strip():
        assert f'value="{url}"'.replace("&", "&amp;") in page
    assert db.session.scalar(select(WebhookEndpoint.id)) is None


def test_a_name_that_points_inside_at_delivery_time_is_not_connected_to(client, users, login, receiver, app):
    endpoint = register(client, login, users.controller_a, receiver.url.replace("127.0.0.1", "localhost"))
    app.config["WEBHOOK_ALLOW_PRIVATE_TARGETS"] = False  # monkeypatch restores it
    deliver()
    assert receiver.script.received == []
    db.session.refresh(endpoint)
    assert endpoint.status == "unverified" and "inside a network" in endpoint.last_error


def _subscription(email: str, services: tuple[str, ...] = ()) -> Subscription:
    """A confirmed subscription to Vcare: all services, or the chosen ones."""
    chosen = [service("vcare", key) for key in services]
    found = Subscription(
        processor_id=processor("vcare").id, email=email, status="confirmed", all_services=not chosen, services=chosen
    )
    db.session.add(found)
    db.session.commit()
    return found


def test_a_subscriber_endpoint_hears_of_the_announcements_its_subscription_covers(client, users, receiver):
    mine = _subscription("dpo@example.org", ("operator",))
    other = _subscription("other@example.org", ("telefonie",))
    page = client.get(f"/subscriptions/{mine.token}/").get_data(as_text=True)
    assert f"/subscriptions/{mine.token}/webhooks/" in page
    response = client.post(f"/subscriptions/{mine.token}/webhooks/", data={"url": receiver.url})
    assert response.status_code == 303
    endpoint = db.session.scalar(select(WebhookEndpoint).filter_by(subscription_id=mine.id))
    client.post(f"/subscriptions/{other.token}/webhooks/", data={"url": receiver.url + "/other"})
    deliver()
    announce(users.vcare_editor)  # the operator service: mine covers it, the other does not
    deliver()
    (event,) = receiver.script.events()
    body = verified(event, endpoint.secret)
    assert body["type"] == "announcement.published" and "contracts" not in body["data"]
    assert event["path"] == "/hooks/registry"
    # The manage link is the key: another subscription's link does not open this endpoint.
    assert client.get(f"/subscriptions/{other.token}/webhooks/{endpoint.id}").status_code == 404
    assert client.post(f"/subscriptions/{other.token}/webhooks/{endpoint.id}/remove").status_code == 404
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "webhook.create").limit(1))
    assert entry.actor_label == "dpo@example.org" and entry.processor_id is None
    # An ended subscription's endpoint hears nothing more, and its page is gone.
    mine.status = "unsubscribed"
    db.session.commit()
    announce(users.vcare_editor, name="Beta Cloud")
    deliver()
    assert len(receiver.script.events()) == 1
    assert client.get(f"/subscriptions/{mine.token}/webhooks/{endpoint.id}").status_code == 404
    assert client.get(f"/subscriptions/{mine.token}/webhooks/").status_code == 404


def test_an_address_with_letters_outside_ascii_is_sent_percent_encoded(client, users, login, receiver):
    endpoint = register(client, login, users.controller_a, receiver.url + "/überweisung?für=é")
    assert endpoint.url == receiver.url + "/%C3%BCberweisung?f%C3%BCr=%C3%A9"
    deliver()
    assert receiver.script.received[0]["path"] == "/hooks/registry/%C3%BCberweisung?f%C3%BCr=%C3%A9"
    assert db.session.get(WebhookEndpoint, endpoint.id).status == "active"


def test_a_delivery_another_worker_took_over_is_not_sent_again(client, users, login, receiver, app, monkeypatch):
    """Worker A's lease ran out while it sent the rest of its batch; B took the delivery and sent it. A skips it."""
    endpoint = register(client, login, users.vcare_editor, receiver.url, side="/admin/processors/vcare")
    deliver()
    announce(users.vcare_editor)
    (first,) = delivery.claim("A", 20)
    monkeypatch.setitem(app.config, "WEBHOOK_CLAIM_LEASE", -1)  # A's claim is stale at once
    assert delivery.claim("B", 20) == [first]
    delivery.deliver_one(first, "B")
    delivery.deliver_one(first, "A")
    assert len(receiver.script.events()) == 1
    row = db.session.get(WebhookDelivery, first)
    assert (row.status, row.attempts) == ("sent", 1) and row.endpoint_id == endpoint.id


def test_a_delivery_removed_while_it_was_sent_stays_failed(client, users, login, receiver):
    endpoint = register(client, login, users.vcare_editor, receiver.url, side="/admin/processors/vcare")
    deliver()
    receiver.script.answers[:] = [500]
    announce(users.vcare_editor)
    (first,) = delivery.claim("A", 20)
    real = delivery.transport.post

    def remove_meanwhile(*args, **kwargs):
        answer = real(*args, **kwargs)
        response = client.post(f"/admin/processors/vcare/webhooks/{endpoint.id}/remove")
        assert response.status_code == 303
        return answer

    delivery.transport.post = remove_meanwhile
    try:
        delivery.deliver_one(first, "A")
    finally:
        delivery.transport.post = real
    row = db.session.get(WebhookDelivery, first)
    assert (row.status, row.last_error) == ("failed", "not sent: the endpoint was removed")
