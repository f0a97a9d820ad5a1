"""Behind PROXY_HOPS reverse proxies the forwarded scheme decides HSTS; without PROXY_HOPS the headers are ignored
(a client cannot forge its way to https, or out of it)."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade

from registry import create_app

HSTS = "max-age=31536000; includeSubDomains"


@pytest.fixture(scope="module")
def apps(tmp_path_factory):
    """One app per PROXY_HOPS setting (no database is needed to serve the log-in form)."""
    folder = tmp_path_factory.mktemp("proxy")
    made = {}
    for hops in (0, 1, 2):
        made[hops] = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / f'{hops}.db'}",
                "PROXY_HOPS": hops,
                "TESTING": True,
                "WTF_CSRF_ENABLED": False,
            }
        )
        with made[hops].app_context():
            upgrade()
    return made


@pytest.mark.parametrize(
    "hops,headers,hsts",
    [
        (0, {"X-Forwarded-Proto": "https"}, None),  # no proxy configured: a forged header
        (1, {"X-Forwarded-Proto": "https"}, HSTS),
        (1, {"X-Forwarded-Proto": "http"}, None),
        (1, {}, None),
        # Two proxies (a load balancer, then nginx): X-Forwarded-For has two addresses, X-Forwarded-Proto the one
        # value a proxy set.
        (2, {"X-Forwarded-For": "198.51.100.7, 10.0.0.2", "X-Forwarded-Proto": "https"}, HSTS),
        (2, {"X-Forwarded-For": "198.51.100.7, 10.0.0.2", "X-Forwarded-Proto": "http"}, None),
    ],
)
def test_hsts_follows_the_forwarded_scheme_behind_configured_proxies(apps, hops, headers, hsts):
    response = apps[hops].test_client().get("/login", headers=headers)
    assert response.status_code == 200
    assert response.headers.get("Strict-Transport-Security") == hsts


def test_a_direct_https_request_gets_hsts_without_a_proxy(apps):
    response = apps[0].test_client().get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"] == HSTS


def test_behind_two_proxies_the_client_is_the_second_address_from_the_right(apps):
    app = apps[2]
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    client = app.test_client()
    statuses = [
        client.post(
            "/login",
            data={"email": "x@example.org", "password": "wrong password"},
            headers={"X-Forwarded-For": f"{forged}, 198.51.100.7, 10.0.0.2"},
        ).status_code
        for forged in ("192.0.2.1", "192.0.2.2", "192.0.2.3")
    ]
    assert statuses == [401, 401, 429]  # a forged left-most address does not make a new client
