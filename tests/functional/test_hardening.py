"""Hardening: production settings, cookies, sessions that end, proxy headers, shared rate limits, CSRF
on every POST, and refused access in the log."""

from __future__ import annotations

import logging
import os
import re
import uuid

import pytest

from registry import create_app
from registry.config import ConfigurationError, check_production

from ..conftest import ON_CI
from ..factories import PASSWORD

GOOD_KEY = "9f2c1e7b5a3d8c6e4f1a0b9d7c5e3a1f8b6d4c2e0a9f7d5b3c1e8a6f4d2b0c9e"


@pytest.mark.parametrize(
    "settings,debug,problem",
    [
        ({"SECRET_KEY_FROM_ENVIRONMENT": None}, False, "SECRET_KEY is not set"),
        ({"SECRET_KEY_FROM_ENVIRONMENT": "changeme"}, False, "not a real secret"),
        ({"SECRET_KEY_FROM_ENVIRONMENT": "a" * 40}, False, "not a real secret"),
        ({"SECRET_KEY_FROM_ENVIRONMENT": GOOD_KEY}, True, "debug mode is on"),
        ({"SECRET_KEY_FROM_ENVIRONMENT": GOOD_KEY, "DEBUG_REQUESTED": True}, False, "debug mode is on"),
    ],
)
def test_production_refuses_to_start_without_a_real_key_or_with_debug(settings, debug, problem):
    with pytest.raises(ConfigurationError, match=problem):
        check_production({"REGISTRY_ENV": "production", **settings}, debug)


def test_production_starts_with_a_real_key_and_makes_cookies_secure(monkeypatch, tmp_path):
    monkeypatch.setenv("REGISTRY_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", GOOD_KEY)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("RATELIMIT_ALLOW_MEMORY", "true")  # one process (see test_login_limits)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    monkeypatch.delenv("SECRET_KEY")
    with pytest.raises(ConfigurationError):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})


@pytest.mark.parametrize("remember", [None, "y"])
def test_the_session_cookie_is_httponly_and_samesite(client, users, remember):
    data = {"email": users.controller_a.email, "password": PASSWORD, **({"remember": remember} if remember else {})}
    cookies = client.post("/login", data=data).headers.getlist("Set-Cookie")
    cookie = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert ("Expires=" in cookie) == bool(remember)  # "keep me logged in": the session outlives the browser


def two_sessions(app, user):
    from ..conftest import FreshContextClient

    app.test_client_class = FreshContextClient
    first, second = app.test_client(), app.test_client()
    for c in (first, second):
        assert c.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
        assert c.get("/portal/").status_code == 200
    return first, second


def test_logging_out_ends_every_session_of_the_account(app, users):
    first, second = two_sessions(app, users.controller_a)
    assert first.post("/logout").status_code == 302
    assert second.get("/portal/").status_code == 302  # sent to the login page


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(app, users):
    first, second = two_sessions(app, users.controller_a)
    bad = first.post(
        "/account/password",
        data={"current_password": "wrong one", "new_password": "x" * 12, "repeat_password": "x" * 12},
    )
    assert bad.status_code == 400 and "not your current password" in bad.get_data(as_text=True)
    short = first.post(
        "/account/password", data={"current_password": PASSWORD, "new_password": "short", "repeat_password": "short"}
    )
    assert short.status_code == 400 and "at least 12 characters" in short.get_data(as_text=True)
    new = "a new and long password"
    response = first.post(
        "/account/password", data={"current_password": PASSWORD, "new_password": new, "repeat_password": new}
    )
    assert response.status_code == 302
    assert first.get("/portal/").status_code == 200
    assert second.get("/portal/").status_code == 302


def _failed_logins(client, count, forwarded_for=None):
    statuses = []
    for n in range(count):
        headers = {"X-Forwarded-For": forwarded_for or f"203.0.113.{n + 1}"}
        statuses.append(
            client.post(
                "/login", data={"email": "x@example.org", "password": "wrong password"}, headers=headers
            ).status_code
        )
    return statuses


def test_a_forged_forwarded_for_does_not_dodge_the_login_limit(app, client):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        assert _failed_logins(client, 4) == [401, 401, 401, 429]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"


def test_behind_a_configured_proxy_the_forwarded_client_counts(tmp_path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'proxy.db'}",
            "PROXY_HOPS": 1,
            "LOGIN_RATE_LIMIT": "2 per minute",
            "WTF_CSRF_ENABLED": False,
            "TESTING": True,
        }
    )
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    client = app.test_client()
    assert _failed_logins(client, 3) == [401, 401, 401]  # three clients, one try each
    assert _failed_logins(client, 3, "198.51.100.7") == [401, 401, 429]


def redis_url_or_skip() -> str:
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as exc:
        reason = f"Redis not reachable at {url} ({exc}); set TEST_REDIS_URL"
        if ON_CI:
            pytest.fail(f"CI=true requires Redis: {reason}")
        pytest.skip(reason)
    return url


def test_rate_limits_are_shared_by_workers_through_redis(tmp_path):
    url = redis_url_or_skip()
    settings = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'redis.db'}",
        "RATELIMIT_STORAGE_URI": url,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "LOGIN_RATE_LIMIT": "3 per minute",
        "WTF_CSRF_ENABLED": False,
        "TESTING": True,
    }
    workers = [create_app(dict(settings)), create_app(dict(settings))]  # two processes' worth of app
    with workers[0].app_context():
        from flask_migrate import upgrade

        upgrade()
    first, second = (w.test_client() for w in workers)
    same = "192.0.2.10"
    statuses = [
        c.post(
            "/login", data={"email": "x@example.org", "password": "wrong password"}, environ_base={"REMOTE_ADDR": same}
        ).status_code
        for c in (first, second, first, second)
    ]
    assert statuses == [401, 401, 401, 429]


def post_rules(app):
    exempt = {"subscriptions.unsubscribe"}  # RFC 8058 one-click: a POST without cookie or token, by design
    values = {"slug": "vcare", "token": "t0ken", "key": "operator"}
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint in exempt:
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = re.sub(rf"<(?:[a-z]+:)?{arg}>", str(values.get(arg, 1)), url)
        yield rule.endpoint, url


BEARER_ONLY = {"api.announcement_create", "api.announcement_publish"}


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_every_post_without_a_valid_csrf_token_is_refused(app, client, users, login, token, caplog):
    app.config["WTF_CSRF_ENABLED"] = True
    login_response = client.get("/login")
    assert login_response.status_code == 200
    wrong = []
    with caplog.at_level(logging.WARNING, logger="registry.access"):
        for endpoint, url in post_rules(app):
            data = {"csrf_token": token} if token else {}
            status = client.post(url, data=data).status_code
            # The write API takes a bearer token instead of the form's CSRF token (a cookie session is no one
            # there): without one it is 401 before anything is done.
            if status != (401 if endpoint in BEARER_ONLY else 400):
                wrong.append(f"{endpoint} {url}: {status}")
    assert wrong == []
    assert any("CSRF" in r.getMessage() for r in caplog.records)
    assert len(list(post_rules(app))) >= 20


def test_refused_access_is_logged_without_secrets(client, users, login, caplog):
    login(users.vcare_editor)
    with caplog.at_level(logging.WARNING, logger="registry.access"):
        assert client.get("/portal/").status_code == 403
        assert client.get("/admin/processors/vtm/").status_code == 404
    messages = [r.getMessage() for r in caplog.records]
    assert any("refused GET /portal/ -> 403 for user" in m for m in messages)
    assert any("/admin/processors/<slug>/ -> 404" in m for m in messages)
    client.post("/logout")
    with caplog.at_level(logging.WARNING, logger="registry.access"):
        client.get("/portal/")
    assert any("-> 401 for anonymous" in r.getMessage() for r in caplog.records)
    assert not any(PASSWORD in r.getMessage() for r in caplog.records)
