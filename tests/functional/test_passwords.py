"""A new password has at least 12 characters and is not one attackers guess early (zxcvbn), wherever it is set:
`users create` and the change-password form; the demo's generated passwords meet the same rules."""

from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import select

from registry.accounts import users as accounts
from registry.extensions import db
from registry.models import User

from ..factories import PASSWORD

ELEVEN = "kXq9-ryTf-8"  # random, but one character short
GOOD = "kXq9-ryTf-82hw"  # random, 14 characters
REFUSED = [
    (ELEVEN, "The password must have at least 12 characters."),
    ("password1234", "This password is too easy to guess. This is a very common password."),
    ("qwertyuiop12", "This password is too easy to guess. This is similar to a commonly used password."),
    ("aaaaaaaaaaaaaaaa", 'This password is too easy to guess. Repeats like "aaa" are easy to guess.'),
]


@pytest.mark.parametrize("password,message", REFUSED)
def test_users_create_refuses_short_and_common_passwords(runner, app, password, message):
    result = runner.invoke(args=["users", "create", "new@example.org", "--role", "admin"], input=f"{password}\n")
    assert result.exit_code == 1 and message in result.output
    assert db.session.scalar(select(User).filter_by(email="new@example.org")) is None


def test_users_create_takes_a_good_password(runner, app):
    result = runner.invoke(args=["users", "create", "new@example.org", "--role", "admin"], input=f"{GOOD}\n")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).filter_by(email="new@example.org")).check_password(GOOD)


def test_a_password_made_of_the_own_address_is_refused(runner, app):
    result = runner.invoke(
        args=["users", "create", "jansen.huisarts@example.org", "--role", "admin"], input="jansen.huisarts\n"
    )
    assert result.exit_code == 1 and "too easy to guess" in result.output


def change(client, new, repeat=None):
    return client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": new, "repeat_password": new if repeat is None else repeat},
    )


@pytest.mark.parametrize("password,message", REFUSED)
def test_the_password_form_refuses_short_and_common_passwords(client, users, login, password, message):
    login(users.controller_a)
    response = change(client, password)
    assert response.status_code == 400 and message in unescape(response.get_data(as_text=True))
    db.session.refresh(users.controller_a)
    assert users.controller_a.check_password(PASSWORD)


def test_the_password_form_explains_in_dutch(client, users, login):
    login(users.controller_a)
    response = client.post(
        "/account/password",
        headers={"Accept-Language": "nl"},
        data={"current_password": PASSWORD, "new_password": "password1234", "repeat_password": "password1234"},
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Dit wachtwoord is te makkelijk te raden. Dit is een heel veelgebruikt wachtwoord." in text


def test_the_password_form_takes_a_good_password(client, users, login):
    login(users.controller_a)
    assert change(client, GOOD).status_code == 302
    db.session.refresh(users.controller_a)
    assert users.controller_a.check_password(GOOD)


def test_generated_passwords_meet_the_rules(app):
    for n in range(20):
        password = accounts.generated_password()
        accounts.create_user(f"demo-{n}@example.org", "admin", None, password, actor="test")
