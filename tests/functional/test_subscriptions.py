"""Subscribing with double opt-in, managing, and one-click unsubscribing."""
import re

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import OutboxMessage, Subscription
from registry.services import subscriptions

from .announce import ids


def last_mail(recipient):
    return db.session.scalar(select(OutboxMessage).filter_by(recipient=recipient).order_by(OutboxMessage.id.desc()))


def confirm_link(recipient):
    return re.search(r"http://registry\.test(/subscriptions/confirm/\S+)", last_mail(recipient).body.text).group(1)


def subscribe(client, email="reader@example.org", **extra):
    data = {"email": email, "language": "en", **extra}
    return client.post("/processors/vcare/subscribe", data=data)


def test_double_opt_in(client):
    assert client.get("/processors/vcare/subscribe").status_code == 200
    response = subscribe(client, service_ids=[str(i) for i in ids("vcare", "operator", "sendi")])
    assert response.status_code == 200 and "Check your mail" in response.get_data(as_text=True)
    sub = db.session.scalar(select(Subscription).filter_by(email="reader@example.org"))
    assert sub.status == "pending" and [s.key for s in sub.services] == ["operator", "sendi"]
    mail = last_mail("reader@example.org")
    assert mail.kind == "subscription" and "Confirm your subscription" in mail.body.subject
    response = client.get(confirm_link("reader@example.org"))
    assert response.status_code == 200 and "Subscription confirmed" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Subscription, sub.id).status == "confirmed"
    again = client.get(confirm_link("reader@example.org"))
    assert again.status_code == 200  # a second confirmation changes nothing


def test_the_same_neutral_answer_for_new_and_known_addresses(client):
    first = subscribe(client).get_data(as_text=True)
    client.get(confirm_link("reader@example.org"))
    second = subscribe(client).get_data(as_text=True)
    strip = lambda html: re.sub(r'name="csrf_token"[^>]*>', "", html)  # noqa: E731
    assert strip(first) == strip(second)
    assert "subscribed already" in last_mail("reader@example.org").body.text  # the owner learns, not the asker


@pytest.mark.parametrize("email,message", [
    ("not-an-address", "Not a valid e-mail address."),
    ("a@b.c\r\nBcc: x@y.z", "Remove the line break (U+000D) at position 6"),
    ("", "Enter your e-mail address."),
])
def test_bad_addresses_are_refused_and_nothing_is_stored(client, email, message):
    response = subscribe(client, email=email)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(Subscription)) is None and db.session.scalar(select(OutboxMessage)) is None


def test_services_of_another_processor_are_refused(client):
    response = subscribe(client, service_ids=[str(i) for i in ids("vtm", "it-telecom")])
    assert response.status_code == 400 and db.session.scalar(select(Subscription)) is None


@pytest.mark.parametrize("signed", ["garbage", "eyJpZCI6MX0.tampered.sig"])
def test_tampered_confirmation_links_are_refused(client, signed):
    response = client.get(f"/subscriptions/confirm/{signed}")
    assert response.status_code == 400 and "not valid" in response.get_data(as_text=True)


def test_an_expired_confirmation_link_says_so(client, monkeypatch):
    subscribe(client)
    link = confirm_link("reader@example.org")
    monkeypatch.setattr(subscriptions, "CONFIRM_DAYS", -1)
    response = client.get(link)
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)
    assert db.session.scalar(select(Subscription)).status == "pending"


def test_a_new_request_voids_the_old_link(client):
    subscribe(client)
    old = confirm_link("reader@example.org")
    subscribe(client)
    assert client.get(old).status_code == 400


def _confirmed(client):
    subscribe(client)
    client.get(confirm_link("reader@example.org"))
    return db.session.scalar(select(Subscription)).token


def test_one_click_unsubscribe_needs_no_login_cookie_or_csrf(app, client):
    token = _confirmed(client)
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get(f"/subscriptions/{token}/unsubscribe")
    assert page.status_code == 200 and "Unsubscribe" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(Subscription)).status == "confirmed"  # a GET never unsubscribes
    mail_client = app.test_client()  # a mail provider's request: no cookie, no session, no CSRF token
    response = mail_client.post(f"/subscriptions/{token}/unsubscribe", data="List-Unsubscribe=One-Click",
                                content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(Subscription)).status == "unsubscribed"
    assert client.post(f"/subscriptions/{token}/unsubscribe").status_code == 200  # twice: no change, no error


def test_manage_changes_language_and_services(client):
    token = _confirmed(client)
    response = client.post(f"/subscriptions/{token}/", data={"language": "nl",
                                                              "service_ids": [str(ids("vcare", "sendi")[0])]})
    assert response.status_code == 200
    db.session.expire_all()
    sub = db.session.scalar(select(Subscription))
    assert sub.language == "nl" and [s.key for s in sub.services] == ["sendi"]


@pytest.mark.parametrize("url", ["/subscriptions/unknown-token/", "/subscriptions/unknown-token/unsubscribe"])
def test_unknown_tokens_get_a_clear_404(client, url):
    response = client.get(url) if url.endswith("/") else client.post(url)
    assert response.status_code == 404 and "not valid" in response.get_data(as_text=True)


def test_subscribing_is_rate_limited_per_address(client):
    codes = [subscribe(client, email="Flood@Example.org").status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]


def test_unknown_processor(client):
    assert client.get("/processors/nope/subscribe").status_code == 404
