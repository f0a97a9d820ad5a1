"""Log-in throttling per account typed, whatever the client address; and production refusing per-process
rate-limit storage when several workers may serve."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from flask_migrate import upgrade

from registry import create_app
from registry.config import ConfigurationError, check_production

from ..factories import PASSWORD
from ..smtp import free_port
from .test_hardening import GOOD_KEY, redis_url_or_skip

PROJECT = Path(__file__).resolve().parents[2]
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def attempt(client, email, password, address, **headers):
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}, headers=headers
    )


@pytest.fixture
def account_limit(app):
    app.config["LOGIN_ACCOUNT_RATE_LIMIT"] = "3 per 15 minutes"
    yield
    app.config["LOGIN_ACCOUNT_RATE_LIMIT"] = "1000 per minute"


def test_failed_logins_pause_the_account_whatever_the_client_address(client, users, account_limit):
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=AMSTERDAM), tick=False) as clock:
        email = users.controller_a.email
        assert attempt(client, email, PASSWORD, "192.0.2.1").status_code == 302  # a success does not count
        statuses = [attempt(client, email, "wrong password", f"198.51.100.{n}").status_code for n in range(1, 5)]
        assert statuses == [401, 401, 401, 429]
        clock.shift(timedelta(minutes=5))
        paused = attempt(client, email, PASSWORD, "203.0.113.9")  # the right password, a new address
        text = paused.get_data(as_text=True)
        assert paused.status_code == 429
        # The window opened at the first failure (09:00) and lasts 15 minutes: 10 of them are left at 09:05.
        assert (
            "Too many failed attempts to log in with this e-mail address. Logging in with it is paused for "
            "10 more minutes."
        ) in text
        assert f'value="{email}"' in text and PASSWORD not in text  # the form again, as typed
        other = attempt(client, users.controller_b.email, PASSWORD, "198.51.100.1")
        assert other.status_code == 302  # other accounts log in as usual
        clock.shift(timedelta(minutes=10, seconds=1))
        assert attempt(client, email, PASSWORD, "198.51.100.1").status_code == 302


def test_the_pause_reads_the_same_for_an_address_without_an_account(client, users, account_limit):
    pages = {}
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=AMSTERDAM), tick=False):
        for email in (users.controller_a.email, "nobody@praktijk-x.example.org"):
            for n in range(4):
                response = attempt(client, email, "wrong password", f"198.51.100.{n + 1}", **{"Accept-Language": "nl"})
            assert response.status_code == 429
            page = response.get_data(as_text=True).replace(email, "EMAIL")
            pages[email] = re.sub(r'name="csrf_token"[^>]*>', "", page)
    known, unknown = pages.values()
    assert known == unknown
    assert (
        "Te veel mislukte pogingen om met dit e-mailadres in te loggen. Inloggen ermee is nog 15 minuten geblokkeerd."
    ) in known


def test_the_account_limit_is_shared_by_workers_through_redis(tmp_path):
    url = redis_url_or_skip()
    settings = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'redis.db'}",
        "RATELIMIT_STORAGE_URI": url,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "LOGIN_ACCOUNT_RATE_LIMIT": "3 per minute",
        "PROXY_HOPS": 1,
        "WTF_CSRF_ENABLED": False,
        "TESTING": True,
    }
    workers = [create_app(dict(settings)), create_app(dict(settings))]  # two processes' worth of app
    with workers[0].app_context():
        upgrade()
    first, second = (w.test_client() for w in workers)
    statuses = [
        c.post(
            "/login",
            data={"email": "Ed@Example.org", "password": "wrong password"},
            headers={"X-Forwarded-For": f"198.51.100.{n}"},
        ).status_code
        for n, c in enumerate((first, second, first, second))
    ]
    assert statuses == [401, 401, 401, 429]


@pytest.mark.parametrize(
    "settings,refused",
    [
        ({"SERVER_WORKERS": 2}, "while 2 worker processes serve the site"),
        ({"SERVER_WORKERS": None}, "while an unknown number of worker processes may serve the site"),
        ({"SERVER_WORKERS": 1}, None),
        ({"SERVER_WORKERS": 4, "RATELIMIT_ALLOW_MEMORY": True}, None),
        ({"SERVER_WORKERS": 4, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}, None),
    ],
)
def test_production_refuses_per_process_rate_limits_when_several_workers_may_serve(settings, refused):
    config = {
        "REGISTRY_ENV": "production",
        "SECRET_KEY_FROM_ENVIRONMENT": GOOD_KEY,
        "RATELIMIT_STORAGE_URI": "memory://",
        **settings,
    }
    if refused:
        with pytest.raises(ConfigurationError, match=f"RATELIMIT_STORAGE_URI is memory:// .* {refused}"):
            check_production(config, debug=False)
    else:
        check_production(config, debug=False)


def production_env(tmp_path, **settings) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RATELIMIT_", "WEB_CONCURRENCY", "GUNICORN"))}
    env.update(
        REGISTRY_ENV="production", SECRET_KEY=GOOD_KEY, DATABASE_URL=f"sqlite:///{tmp_path / 'p.db'}", **settings
    )
    env.pop("FLASK_DEBUG", None)
    return env


def test_the_app_reads_the_worker_count_and_the_explicit_allowance_from_the_environment(monkeypatch, tmp_path):
    for name, value in production_env(tmp_path, WEB_CONCURRENCY="3").items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    with pytest.raises(ConfigurationError, match="while 3 worker processes serve the site"):
        create_app()
    monkeypatch.setenv("RATELIMIT_ALLOW_MEMORY", "true")
    assert create_app().config["RATELIMIT_STORAGE_URI"] == "memory://"


def gunicorn(tmp_path, *args, **settings) -> subprocess.Popen:
    port = free_port()
    command = [str(Path(sys.executable).parent / "gunicorn"), *args, "-b", f"127.0.0.1:{port}", "wsgi:app"]
    process = subprocess.Popen(
        command,
        cwd=PROJECT,
        env=production_env(tmp_path, **settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    process.port = port
    return process


def test_gunicorn_with_two_workers_and_memory_storage_does_not_start(tmp_path):
    process = gunicorn(tmp_path, "-w", "2")
    try:
        output, _ = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode != 0
    assert "Refusing to start with REGISTRY_ENV=production" in output
    assert "RATELIMIT_STORAGE_URI is memory:// (limits counted per process) while 2 worker processes serve" in output


def test_gunicorn_with_memory_storage_starts_when_explicitly_allowed(tmp_path):
    import urllib.request

    process = gunicorn(tmp_path, "-w", "2", RATELIMIT_ALLOW_MEMORY="true")
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{process.port}/login", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert process.poll() is None, process.stdout.read()
                assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
                time.sleep(0.2)
    finally:
        process.terminate()
        process.communicate(timeout=30)
