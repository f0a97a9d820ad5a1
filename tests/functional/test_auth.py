"""Logging in and out, and creating accounts from the command line."""

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import AuditEntry, User

from ..factories import PASSWORD


def test_login_with_good_credentials_goes_to_the_editor_home(client, users):
    response = client.post("/login", data={"email": users.vcare_editor.email, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    assert client.get("/admin/processors/vcare/").status_code == 200


def test_email_is_case_insensitive(client, users):
    response = client.post("/login", data={"email": "ED@Vcare.Example.org", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "email,password",
    [
        ("ed@vcare.example.org", "wrong password"),
        ("nobody@example.org", PASSWORD),
    ],
)
def test_wrong_credentials_get_one_neutral_message(client, users, email, password):
    response = client.post("/login", data={"email": email, "password": password})
    text = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "Wrong e-mail address or password." in text
    assert email in text  # what the user typed is kept (the password is not)
    assert password not in text


@pytest.mark.parametrize(
    "data,message",
    [
        ({"email": "", "password": ""}, "Enter your e-mail address."),
        ({"email": "a@b.c", "password": ""}, "Enter your password."),
        ({"email": "not-an-address", "password": "x"}, "Wrong e-mail address or password."),
        ({"email": "a@b.c\r\nBcc: x@y.z", "password": "x"}, "Remove the line break (U+000D) at position 6"),
        ({"email": "x" * 500, "password": "x"}, "Field cannot be longer than 254 characters."),
    ],
)
def test_bad_login_input_gets_a_message_not_a_500(client, users, data, message):
    response = client.post("/login", data=data)
    assert response.status_code in (400, 401)
    assert message in response.get_data(as_text=True)


def test_inactive_account_cannot_log_in(client, users):
    users.vcare_editor.active = False
    db.session.commit()
    response = client.post("/login", data={"email": users.vcare_editor.email, "password": PASSWORD})
    # The same neutral answer as a wrong password: the form does not tell who has an (inactive) account.
    assert response.status_code == 401 and "Wrong e-mail address or password." in response.get_data(as_text=True)
    assert client.get("/admin/processors/vcare/").status_code == 302


def test_next_inside_the_site_is_followed(client, users):
    response = client.post("/login?next=/processors/vtm/", data={"email": users.admin.email, "password": PASSWORD})
    assert response.headers["Location"] == "/processors/vtm/"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "http:/evil.example"],
)
def test_next_outside_the_site_is_ignored(client, users, target):
    response = client.post(
        "/login", query_string={"next": target}, data={"email": users.admin.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"


def test_a_next_with_a_control_character_is_refused_before_anyone_logs_in(client, users):
    response = client.post(
        "/login", query_string={"next": "\x01/x"}, data={"email": users.admin.email, "password": PASSWORD}
    )
    assert response.status_code == 400 and "U+0001" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302  # still logged out


def test_protected_page_sends_anonymous_users_to_login_and_back(client, users):
    response = client.get("/admin/processors/vcare/")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


def test_logout_is_a_post_and_ends_the_session(client, users, login):
    login(users.vcare_editor)
    assert client.get("/logout").status_code == 200  # a page with a button, not a logout
    assert client.get("/admin/processors/vcare/").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/admin/processors/vcare/").status_code == 302


def test_password_change_ends_existing_sessions(client, users, login):
    login(users.vcare_editor)
    users.vcare_editor.set_password("another long password")
    db.session.commit()
    assert client.get("/admin/processors/vcare/").status_code == 302


def test_session_cookie_is_httponly_and_samesite(client, users):
    response = client.post("/login", data={"email": users.admin.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_login_is_rate_limited(app, client, users):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [
            client.post("/login", data={"email": "x@example.org", "password": "nope"}).status_code for _ in range(4)
        ]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    assert codes == [401, 401, 401, 429]


def test_forms_need_a_csrf_token(app, client, users):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/login", data={"email": users.admin.email, "password": PASSWORD})
    assert response.status_code == 400
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/login", data={"email": users.admin.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_users_create_reads_the_password_from_stdin(runner, app):
    result = runner.invoke(
        args=["users", "create", "New@Example.org", "--role", "editor", "--org", "vtm"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).filter_by(email="new@example.org"))
    assert user.role == "editor" and user.processor.slug == "vtm"
    assert user.check_password("a long enough password") and "a long enough password" not in user.password_hash
    assert db.session.scalar(select(AuditEntry).filter_by(action="user.create", object_id=user.id))


@pytest.mark.parametrize(
    "args,message",
    [
        (["x@example.org", "--role", "editor"], "needs --org"),
        (["x@example.org", "--role", "editor", "--org", "nope"], "No processor 'nope'"),
        (["x@example.org", "--role", "controller", "--org", "vtm"], "No controller organisation 'vtm'"),
        (["x@example.org", "--role", "admin", "--org", "vtm"], "not bound to an organisation"),
        (["not an address", "--role", "admin"], "Not a valid e-mail address"),
        (["admin@registry.example", "--role", "admin"], "exists already"),
        (["x@example.org", "--role", "king"], "Invalid value for '--role'"),
    ],
)
def test_users_create_refuses_bad_input(runner, app, args, message):
    result = runner.invoke(args=["users", "create", *args], input="a long enough password\n")
    assert result.exit_code != 0
    assert message in result.output


def test_users_create_refuses_a_short_password(runner, app):
    result = runner.invoke(args=["users", "create", "x@example.org", "--role", "admin"], input="short\n")
    assert result.exit_code == 1 and "at least 12 characters" in result.output


def test_the_welcome_is_in_the_accounts_own_language(client, users):
    """An account that chose Dutch logs in from an English browser: the page after the log-in is Dutch (the
    account's choice), and so is the message on it."""
    user = db.session.get(User, users.vcare_editor.id)
    user.language = "nl"
    db.session.commit()
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD},
        headers={"Accept-Language": "en"},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert '<html lang="nl">' in html and "U bent ingelogd." in html and "You are logged in." not in html
