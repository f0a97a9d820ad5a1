"""Sessions end: after 8 hours without a request, a remembered log-in 30 days after it was made (a copied
cookie too), and a log-in starts a new session with a new CSRF token."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from ..factories import PASSWORD

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Monday 2 November 2026, 09:00 in Amsterdam: the log-in of every test here.
LOGIN_TIME = datetime(2026, 11, 2, 9, 0, tzinfo=AMSTERDAM)


@pytest.fixture
def clock():
    with time_machine.travel(LOGIN_TIME, tick=False) as traveller:
        yield traveller


def log_in(client, user, **extra):
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, **extra})
    assert response.status_code == 302, response.get_data(as_text=True)


def close_browser(client):
    """What a browser keeps when it closes: only cookies with an expiry date."""
    for cookie in list(client._cookies.values()):
        if cookie.expires is None:
            client.delete_cookie(cookie.key, domain=cookie.domain, path=cookie.path)


def dashboard(client, **headers):
    """The portal's dashboard, following a refusal to the log-in page: (status of the first answer, page)."""
    first = client.get("/portal/", headers=headers)
    if first.status_code == 302:
        return 302, client.get(first.headers["Location"], headers=headers).get_data(as_text=True)
    return first.status_code, first.get_data(as_text=True)


def test_a_session_ends_after_8_hours_without_a_request(client, users, clock):
    log_in(client, users.controller_a)
    clock.shift(timedelta(hours=7, minutes=59))  # 16:59: still in
    assert dashboard(client)[0] == 200
    clock.shift(timedelta(hours=7, minutes=59))  # 00:58: 7h59 after the last request
    assert dashboard(client)[0] == 200
    clock.shift(timedelta(hours=8, minutes=1))  # 09:00 next day: 8h01 without a request
    status, page = dashboard(client)
    assert status == 302
    assert "You were signed out after 8 hours without activity." in page
    assert dashboard(client)[0] == 302  # and stays out


def test_the_idle_limit_is_a_setting_and_its_message_is_dutch_for_a_dutch_reader(app, client, users, clock):
    app.config["SESSION_IDLE_MINUTES"] = 90
    try:
        log_in(client, users.controller_a)
        clock.shift(timedelta(minutes=89))
        assert dashboard(client)[0] == 200
        clock.shift(timedelta(minutes=91))
        status, page = dashboard(client, **{"Accept-Language": "nl"})
    finally:
        app.config["SESSION_IDLE_MINUTES"] = 480
    assert status == 302 and "U bent uitgelogd na 90 minuten zonder activiteit." in page


def test_a_remembered_log_in_holds_29_days_after_the_browser_closed_but_not_31(client, users, clock):
    log_in(client, users.controller_a, remember="y")
    close_browser(client)
    clock.shift(timedelta(days=29))
    assert dashboard(client)[0] == 200  # no idle limit for a remembered log-in
    close_browser(client)
    clock.shift(timedelta(days=2))  # 31 days after the log-in
    status, page = dashboard(client)
    assert status == 302
    assert "You were signed out: a log-in is kept on a device for at most 30 days." in page


def test_a_copied_session_cookie_does_not_outlive_the_30_days(app, users, clock):
    from ..conftest import FreshContextClient

    app.test_client_class = FreshContextClient
    browser = app.test_client()
    log_in(browser, users.controller_a, remember="y")
    clock.shift(timedelta(days=29, hours=23))
    assert dashboard(browser)[0] == 200  # the cookie was signed again just now
    copied = browser.get_cookie("session", domain="registry.test").value
    clock.shift(timedelta(hours=2))  # 30 days and 1 hour after the log-in
    thief = app.test_client()
    thief.set_cookie("session", copied, domain="registry.test")
    assert thief.get("/portal/").status_code == 302


def test_without_remember_me_the_session_ends_with_the_browser(client, users, clock):
    log_in(client, users.controller_a)
    assert client.get_cookie("session", domain="registry.test").expires is None
    close_browser(client)
    assert dashboard(client)[0] == 302


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_logging_in_renews_the_csrf_token(app, client, users, clock):
    app.config["WTF_CSRF_ENABLED"] = True
    before = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": users.controller_a.email, "password": PASSWORD, "csrf_token": before}
    )
    assert response.status_code == 302
    after = csrf_token(client.get("/logout").get_data(as_text=True))
    assert after != before  # the clock stands still: only a new secret differs
    assert client.post("/logout", data={"csrf_token": before}).status_code == 400
    assert client.post("/logout", data={"csrf_token": after}).status_code == 302


def test_a_remember_cookie_of_flask_login_restores_nothing(app, client, users):
    """Such a cookie carries no date (the portal set one for 365 days before remembered log-ins became dated
    sessions), so it cannot be held to the 30 days: it is removed, not honoured."""
    from flask_login.utils import encode_cookie

    with app.test_request_context():
        cookie = encode_cookie(users.controller_a.session_token)
    client.set_cookie("remember_token", cookie, domain="registry.test")
    response = client.get("/portal/")
    assert response.status_code == 302
    assert any(c.startswith("remember_token=;") for c in response.headers.getlist("Set-Cookie"))


def test_logging_out_without_a_session_is_no_error(client):
    assert client.post("/logout").status_code == 302
