"""A live server on a file SQLite database and Debian's chromium driven by Playwright.

The browser is the system's (`/usr/bin/chromium`, or $CHROMIUM); nothing is downloaded.
Without it the browser tests are skipped with the reason (under CI=true they fail).
"""

from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from registry import create_app
from registry.accounts import users as accounts
from registry.accounts.demo import load_demo
from registry.extensions import db
from registry.subprocessors.seeding import load_seed

from ..conftest import ON_CI, PROJECT
from ..smtp import free_port

PASSWORD = "a long demo password"
CONTROLLER, EDITOR = "gp@huisartsenpraktijk-x.example", "ed@vcare.example"
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", PROJECT / "test-artifacts"))
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    return found if found and Path(found).exists() else None


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    reason = None
    if path is None:
        reason = "no chromium on this machine (install Debian's `chromium` or set CHROMIUM)"
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            reason = "the playwright package is not installed (make test installs it)"
    if reason:
        if ON_CI:
            pytest.fail(f"CI=true requires the browser tests: {reason}")
        pytest.skip(reason)
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The app on a real port over a migrated, seeded database with the demo's contracts and known passwords."""
    with serving(tmp_path_factory) as app:
        yield app


@contextmanager
def serving(tmp_path_factory):
    """A live server of its own (for a module whose pages must not show what other modules did)."""
    path = tmp_path_factory.mktemp("live") / "live.db"
    port = free_port()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "BASE_URL": f"http://127.0.0.1:{port}",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "LOGIN_RATE_LIMIT": "1000 per minute",
        }
    )
    with app.app_context():
        upgrade()
        load_seed(PROJECT / "seed")
        load_demo(PROJECT / "seed")
        accounts.create_user(CONTROLLER, "controller", "huisartsenpraktijk-x", PASSWORD, actor="test")
        accounts.create_user(EDITOR, "editor", "vcare", PASSWORD, actor="test")
        db.session.remove()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{port}"
    try:
        yield app
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def shots(request):
    """Save a numbered screenshot of a page under test-artifacts/<test name>/ (or $TEST_ARTIFACTS)."""
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 100))

    def shot(page, name: str) -> Path:
        target = folder / f"{next(counter):02d}-{name}.png"
        page.screenshot(path=str(target), full_page=True)
        return target

    return shot
