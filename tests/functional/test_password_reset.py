"""A forgotten password: the neutral answer, the mailed link (once, for an hour, only while the password it replaces
holds), every session ending, the rate limit."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import time_machine
from sqlalchemy import func, select

from registry.accounts import users as accounts
from registry.extensions import db
from registry.mail.delivery import deliver
from registry.models import AuditEntry, OutboxMessage, User

from ..clock import AMSTERDAM, TODAY, on
from ..factories import PASSWORD

pytestmark = pytest.mark.usefixtures("clock")
NEW = "seven otters juggle 42 plums"
UNUSABLE = "was used already or is no longer valid"


def ask(client, email, **headers):
    return client.post("/password/forgot", data={"email": email}, headers=headers)


def mails(recipient=None):
    query = select(OutboxMessage).filter_by(kind="password_reset").order_by(OutboxMessage.id)
    return db.session.scalars(query.filter_by(recipient=recipient) if recipient else query).all()


def reset_link(recipient):
    return re.search(r"http://registry\.test(/password/reset/\S+)", mails(recipient)[-1].body.text).group(1)


def choose(client, link, password=NEW, repeated=None):
    return client.post(link, data={"new_password": password, "repeat_password": repeated or password})


def without_token(page: str) -> str:
    return re.sub(r'name="csrf_token"[^>]*>', "", page)


def test_the_login_page_offers_the_reset(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in page and "Forgot your password?" in page
    assert client.get("/password/forgot").status_code == 200


def test_the_same_answer_for_known_unknown_and_disabled_addresses(client, users):
    users.controller_b.active = False
    db.session.commit()
    answers = [
        ask(client, email, **{"Accept-Language": "nl"})
        for email in (users.controller_a.email, "nobody@praktijk-x.example.org", users.controller_b.email)
    ]
    assert [a.status_code for a in answers] == [200, 200, 200]
    pages = {without_token(a.get_data(as_text=True)) for a in answers}
    assert len(pages) == 1
    assert "Hoort het opgegeven adres bij een actief account" in pages.pop()
    # Only the active account gets a mail, once, in its own words.
    assert [m.recipient for m in mails()] == [users.controller_a.email]
    mail = mails()[0]
    assert mail.body.subject == "Kies een nieuw wachtwoord voor het subverwerkersregister"  # the reader's language
    assert "De link werkt 60 minuten en maar één keer." in mail.body.text
    assert reset_link(users.controller_a.email) in mail.body.html
    entry = db.session.scalar(select(AuditEntry).filter_by(action="user.password_reset_requested"))
    assert entry.object_id == users.controller_a.id


def test_an_address_typed_in_capitals_finds_the_account(client, users):
    assert ask(client, users.controller_a.email.upper()).status_code == 200
    assert [m.recipient for m in mails()] == [users.controller_a.email]


def test_a_malformed_address_is_refused_on_the_field(client):
    response = ask(client, "not an address")
    assert response.status_code == 400 and 'value="not an address"' in response.get_data(as_text=True)
    assert mails() == []


def test_the_link_sets_the_password_once_and_ends_every_session(app, client, users):
    other = app.test_client()  # a browser where the account is logged in
    assert other.post("/login", data={"email": users.controller_a.email, "password": PASSWORD}).status_code == 302
    ask(client, users.controller_a.email)
    link = reset_link(users.controller_a.email)
    form = client.get(link)
    assert form.status_code == 200 and 'name="new_password"' in form.get_data(as_text=True)
    assert choose(client, link, "short").status_code == 400  # the password rule holds
    assert choose(client, link, NEW, NEW + "!").status_code == 400
    done = choose(client, link)
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert other.get("/portal/").status_code == 302  # the other session has ended
    db.session.expire_all()
    assert accounts.authenticate(users.controller_a.email, PASSWORD) is None
    assert client.post("/login", data={"email": users.controller_a.email, "password": NEW}).status_code == 302
    entry = db.session.scalar(select(AuditEntry).filter_by(action="user.password_reset"))
    assert entry.object_id == users.controller_a.id and entry.actor_label == users.controller_a.email
    for again in (client.get(link), choose(app.test_client(), link, "another 71 quiet lanterns")):
        page = again.get_data(as_text=True)
        assert again.status_code == 400 and UNUSABLE in page and 'href="/password/forgot"' in page
    db.session.expire_all()
    assert db.session.get(User, users.controller_a.id).check_password(NEW)


def test_the_link_expires_after_an_hour(client, users):
    ask(client, users.controller_a.email)  # at noon
    link = reset_link(users.controller_a.email)
    with time_machine.travel(datetime(TODAY.year, TODAY.month, TODAY.day, 12, 59, tzinfo=AMSTERDAM), tick=False):
        assert client.get(link).status_code == 200
    with on(TODAY, 14):
        for expired in (client.get(link), choose(client, link)):
            page = expired.get_data(as_text=True)
            assert expired.status_code == 400 and "has expired (it works for 60 minutes)" in page
            assert 'href="/password/forgot"' in page
    db.session.expire_all()
    assert db.session.get(User, users.controller_a.id).check_password(PASSWORD)


def test_an_old_link_stops_working_once_the_password_changed(client, users, login):
    ask(client, users.controller_a.email)
    link = reset_link(users.controller_a.email)
    login(users.controller_a)
    changed = client.post(
        "/account/password", data={"current_password": PASSWORD, "new_password": NEW, "repeat_password": NEW}
    )
    assert changed.status_code == 302
    response = choose(client, link, "another 71 quiet lanterns")
    assert response.status_code == 400 and UNUSABLE in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, users.controller_a.id).check_password(NEW)


def test_a_link_for_an_account_disabled_since_does_nothing(client, users):
    ask(client, users.controller_a.email)
    link = reset_link(users.controller_a.email)
    accounts.disable(users.controller_a.email)
    response = choose(client, link)
    assert response.status_code == 400 and UNUSABLE in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "link", ["/password/reset/x", "/password/reset/eyJpZCI6MX0.aaaa.bbbb", "/password/reset/é", "/password/reset/.."]
)
def test_a_malformed_link_says_so(client, link):
    for response in (client.get(link), choose(client, link)):
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and "Copy the whole link from the mail" in page
        assert 'href="/password/forgot"' in page


def test_a_link_with_a_control_character_is_not_found(client):
    assert client.get("/password/reset/%00").status_code == 404  # refused before any route, like every path


def test_a_tampered_link_says_so_in_dutch(client, users):
    ask(client, users.controller_a.email)
    link = reset_link(users.controller_a.email)
    response = client.get(link[:-2] + ("A" if link[-2] != "A" else "B") + link[-1], headers={"Accept-Language": "nl"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "is niet geldig. Kopieer de hele link uit de e-mail." in page
    assert "Vraag een nieuwe link aan" in page


@pytest.fixture
def reset_limits(app):
    app.config.update(PASSWORD_RESET_ACCOUNT_RATE_LIMIT="3 per hour", PASSWORD_RESET_RATE_LIMIT="5 per hour")
    yield
    app.config.update(PASSWORD_RESET_ACCOUNT_RATE_LIMIT="1000 per minute", PASSWORD_RESET_RATE_LIMIT="1000 per minute")


def test_asking_too_often_is_paused(client, users, reset_limits):
    for email in (users.controller_a.email, "nobody@praktijk-x.example.org"):
        statuses = [
            client.post("/password/forgot", data={"email": email}, environ_base={"REMOTE_ADDR": f"198.51.100.{n}"})
            for n in range(4)
        ]
        assert [s.status_code for s in statuses] == [200, 200, 200, 429]  # the same for both addresses
        assert "Too many requests for a new password" in statuses[-1].get_data(as_text=True)
    assert len(mails(users.controller_a.email)) == 3
    # From one client address, asking for many addresses stops at its own limit.
    statuses = [ask(client, f"reader{n}@example.org").status_code for n in range(6)]
    assert statuses == [200, 200, 200, 200, 200, 429]
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 3


def test_the_mail_arrives_over_smtp_and_its_link_works(client, users, smtp):
    ask(client, users.vcare_editor.email)
    with smtp() as server:
        report = deliver("test", once=True)
    assert report.sent == 1 and report.failed == 0
    [mail] = server.handler.received_by()[users.vcare_editor.email]
    assert mail["Subject"] == "Choose a new password for the sub-processor registry"
    assert "List-Unsubscribe" not in mail  # not a list mail
    text = mail.get_body(("plain",)).get_content()
    assert "The link works for 60 minutes and only once." in text
    link = re.search(r"http://registry\.test(/password/reset/\S+)", text).group(1)
    assert f'href="http://registry.test{link}"' in mail.get_body(("html",)).get_content()
    assert choose(client, link).status_code == 302
    assert client.post("/login", data={"email": users.vcare_editor.email, "password": NEW}).status_code == 302
