"""Subscribing with double opt-in, managing, and one-click unsubscribing."""

import base64
import binascii
import re
import zlib
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import OutboxMessage, Subscription

from ..clock import on
from ..html import field_errors
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
    link = confirm_link("reader@example.org")
    page = client.get(link)
    assert page.status_code == 200 and '<form method="post">' in page.get_data(as_text=True)
    response = client.post(link)
    assert response.status_code == 200 and "Subscription confirmed" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Subscription, sub.id).status == "confirmed"


def test_the_same_neutral_answer_for_new_and_known_addresses(client):
    first = subscribe(client).get_data(as_text=True)
    client.post(confirm_link("reader@example.org"))
    second = subscribe(client).get_data(as_text=True)
    strip = lambda html: re.sub(r'name="csrf_token"[^>]*>', "", html)  # noqa: E731
    assert strip(first) == strip(second)
    assert "subscribed already" in last_mail("reader@example.org").body.text  # the owner learns, not the asker


@pytest.mark.parametrize(
    "email,message",
    [
        ("not-an-address", "Not a valid e-mail address."),
        ("a@b.c\r\nBcc: x@y.z", "Remove the line break (U+000D) at position 6"),
        ("", "Enter your e-mail address."),
    ],
)
def test_bad_addresses_are_refused_and_nothing_is_stored(client, email, message):
    response = subscribe(client, email=email)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(Subscription)) is None and db.session.scalar(select(OutboxMessage)) is None


def test_services_of_another_processor_are_refused(client):
    [vtm_service] = ids("vtm", "it-telecom")
    response = subscribe(client, service_ids=[str(vtm_service)])
    assert response.status_code == 400 and db.session.scalar(select(Subscription)) is None
    assert field_errors(response.get_data(as_text=True)) == {
        "service_ids": f"'{vtm_service}' is not a valid choice for this field."
    }


@pytest.mark.parametrize("signed", ["garbage", "eyJpZCI6MX0.tampered.sig"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_tampered_confirmation_links_are_refused(client, signed, method):
    response = getattr(client, method)(f"/subscriptions/confirm/{signed}")
    assert response.status_code == 400 and "not valid" in response.get_data(as_text=True)


def test_an_expired_confirmation_link_says_so(client):
    with on(date(2026, 12, 1)):
        subscribe(client)
        link = confirm_link("reader@example.org")
    # Sent at noon on 1 December; it works for 7 days, to noon on 8 December.
    with on(date(2026, 12, 8), hour=11):
        assert client.get(link).status_code == 200
    with on(date(2026, 12, 8), hour=13):
        response = client.post(link)
    assert response.status_code == 400 and "has expired (it works for 7 days)" in response.get_data(as_text=True)
    assert db.session.scalar(select(Subscription)).status == "pending"


def test_a_new_request_voids_the_old_link(client):
    subscribe(client)
    old = confirm_link("reader@example.org")
    subscribe(client)
    response = client.post(old)
    assert response.status_code == 400 and "a newer one was sent" in response.get_data(as_text=True)
    assert db.session.scalar(select(Subscription)).status == "pending"
    assert client.post(confirm_link("reader@example.org")).status_code == 200


def test_opening_the_confirmation_link_changes_nothing(app, client):
    """A mail scanner follows every link in a message: the GET only shows the button."""
    subscribe(client)
    link = confirm_link("reader@example.org")
    app.config["WTF_CSRF_ENABLED"] = True
    for _ in range(3):
        page = client.get(link)
        assert page.status_code == 200 and "Confirm the subscription</button>" in page.get_data(as_text=True)
    db.session.expire_all()
    sub = db.session.scalar(select(Subscription))
    assert (sub.status, sub.confirmed_at) == ("pending", None)
    assert app.test_client().post(link).status_code == 400  # a POST without the page's CSRF token does nothing
    db.session.expire_all()
    assert db.session.scalar(select(Subscription)).status == "pending"
    token = page.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert "Subscription confirmed" in client.post(link, data={"csrf_token": token}).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(Subscription)).status == "confirmed"


def test_a_confirmation_link_works_once(client):
    with on(date(2026, 12, 1)):
        subscribe(client)
        link = confirm_link("reader@example.org")
        client.post(link)
    with on(date(2026, 12, 2)):
        again = client.post(link)
        page = client.get(link)
    for response in (again, page):
        text = response.get_data(as_text=True)
        assert response.status_code == 200 and "Already confirmed" in text
        assert "This confirmation link was used already: reader@example.org is subscribed." in text
        assert "Confirm the subscription</button>" not in text
    db.session.expire_all()
    sub = db.session.scalar(select(Subscription))
    assert sub.status == "confirmed" and sub.confirmed_at == datetime(2026, 12, 1, 11, tzinfo=UTC)


def test_an_old_confirmation_link_cannot_undo_an_unsubscribe(client):
    subscribe(client)
    link = confirm_link("reader@example.org")
    client.post(link)
    token = db.session.scalar(select(Subscription)).token
    assert client.post(f"/subscriptions/{token}/unsubscribe").status_code == 200
    for response in (client.get(link), client.post(link)):
        text = response.get_data(as_text=True)
        assert response.status_code == 400 and "Not confirmed" in text
        assert "This subscription was ended, and a confirmation link from before cannot restart it." in text
    db.session.expire_all()
    assert db.session.scalar(select(Subscription)).status == "unsubscribed"


def test_subscribing_again_after_unsubscribing_takes_a_new_link(client):
    subscribe(client)
    first = confirm_link("reader@example.org")
    client.post(first)
    client.post(f"/subscriptions/{db.session.scalar(select(Subscription)).token}/unsubscribe")
    subscribe(client)
    assert "a newer one was sent" in client.post(first).get_data(as_text=True)
    assert "Subscription confirmed" in client.post(confirm_link("reader@example.org")).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(Subscription)).status == "confirmed"


def _decoded(link: str) -> str:
    """The link and whatever its dot-separated parts say once base64-decoded (and unzipped), as one text."""
    texts = [link]
    for part in link.rsplit("/", 1)[-1].split("."):
        try:
            raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        except (ValueError, binascii.Error):
            continue
        for candidate in (raw, _unzipped(raw)):
            texts.append(candidate.decode("latin-1"))
    return "\n".join(texts)


def _unzipped(raw: bytes) -> bytes:
    try:
        return zlib.decompress(raw)
    except zlib.error:
        return b""


def test_the_confirmation_link_does_not_carry_the_management_token(client):
    subscribe(client)
    sub = db.session.scalar(select(Subscription))
    link = confirm_link("reader@example.org")
    assert sub.token not in _decoded(link)
    assert '"id"' in _decoded(link)  # the decoding does read the payload


def _confirmed(client):
    subscribe(client)
    client.post(confirm_link("reader@example.org"))
    return db.session.scalar(select(Subscription)).token


def test_one_click_unsubscribe_needs_no_login_cookie_or_csrf(app, client):
    token = _confirmed(client)
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get(f"/subscriptions/{token}/unsubscribe")
    assert page.status_code == 200 and "Unsubscribe" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(Subscription)).status == "confirmed"  # a GET never unsubscribes
    mail_client = app.test_client()  # a mail provider's request: no cookie, no session, no CSRF token
    response = mail_client.post(
        f"/subscriptions/{token}/unsubscribe",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(Subscription)).status == "unsubscribed"
    assert client.post(f"/subscriptions/{token}/unsubscribe").status_code == 200  # twice: no change, no error


def test_manage_changes_language_and_services(client):
    token = _confirmed(client)
    response = client.post(
        f"/subscriptions/{token}/", data={"language": "nl", "service_ids": [str(ids("vcare", "sendi")[0])]}
    )
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
