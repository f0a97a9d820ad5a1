"""Fixtures: the app on SQLite and on PostgreSQL, each test in a transaction that is rolled back."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import psycopg
import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import update
from sqlalchemy.orm import scoped_session, sessionmaker

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
# The audit checkpoints' Ed25519 key (base64 of 32 bytes), fixed so that signatures are the same on every run.
os.environ.setdefault("AUDIT_SIGNING_KEY", "dGVzdC1hdWRpdC1zaWduaW5nLWtleS0zMi1ieXRlcyE=")

from registry import create_app  # noqa: E402
from registry.accounts.demo import load_demo  # noqa: E402
from registry.announcements.reading import forget_feed_heads  # noqa: E402
from registry.extensions import db, limiter  # noqa: E402
from registry.models import CustomerContract  # noqa: E402
from registry.subprocessors.seeding import load_seed  # noqa: E402
from registry.web.public import feeds  # noqa: E402

from . import factories  # noqa: E402
from .clock import TODAY, on  # noqa: E402

ON_CI = os.environ.get("CI", "").lower() == "true"
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PROJECT = Path(__file__).resolve().parent.parent


def postgres_schema_or_skip(schema: str = "public") -> None:
    """Drop and recreate a schema of the test database, or skip (fail under CI) when no server answers."""
    dsn = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(dsn, connect_timeout=3, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            conn.execute(f"CREATE SCHEMA {schema}")
    except psycopg.OperationalError as exc:
        reason = f"PostgreSQL not reachable at {dsn} ({str(exc).strip().splitlines()[0]}); set TEST_DATABASE_URL"
        if ON_CI:
            pytest.fail(f"CI=true requires PostgreSQL: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend_app(request, tmp_path_factory):
    """One app per database, migrated with Flask-Migrate and seeded once."""
    if request.param == "postgresql":
        postgres_schema_or_skip()
        url = PG_URL
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.db'}"
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "LOGIN_RATE_LIMIT": "1000 per minute",
            "LOGIN_ACCOUNT_RATE_LIMIT": "1000 per minute",
            "PASSWORD_RESET_RATE_LIMIT": "1000 per minute",
            "PASSWORD_RESET_ACCOUNT_RATE_LIMIT": "1000 per minute",
            "SERVER_NAME": "registry.test",
            "BASE_URL": "http://registry.test",
            # Fast hashing keeps the suite quick; production uses werkzeug's default (scrypt).
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "FEED_STATE_TTL": 0,
            # In-process workers share the test's transaction; the subprocess tests use the default.
            "MAIL_MARK_OWN_CONNECTION": False,
            # Most assertions read the English text; test_i18n checks the Dutch default and the Dutch pages.
            "DEFAULT_LANGUAGE": "en",
            # Off, as in development: the 2FA tests turn it on where they test it.
            "REQUIRE_2FA": False,
        }
    )
    app.config["BACKEND"] = request.param
    with app.app_context():
        upgrade()
        load_seed(PROJECT / "seed")
        load_demo(PROJECT / "seed")
        # The demo contracts take notices in Dutch; most assertions read English (test_i18n checks the Dutch).
        db.session.execute(update(CustomerContract).values(notice_language="en"))
        db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(backend_app):
    """The app with every database change of the test rolled back afterwards."""
    with backend_app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        # A plain SQLAlchemy Session: Flask-SQLAlchemy's own picks the engine
        # and would ignore the connection that holds the test's transaction.
        session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint"), scopefunc=_app_ctx_id
        )
        original = db.session
        db.session = session
        limiter.reset()
        # The rendered feeds are remembered per worker by ETag (serial and time of the last change). Every test
        # rolls back to serial 0, and on a fixed clock two tests' states can share an ETag: start each test afresh.
        feeds._rendered.clear()
        forget_feed_heads()
        try:
            yield backend_app
        finally:
            session.remove()
            db.session = original
            outer.rollback()
            connection.close()
            backend_app.config["WTF_CSRF_ENABLED"] = False


class FreshContextClient(FlaskClient):
    """Each request in an app context of its own, as in production (fresh `g`, fresh session)."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = FreshContextClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def users(app):
    """Accounts with known passwords for every role the portal has."""
    return factories.make_users()


@pytest.fixture
def login(client):
    def _login(user, password=factories.PASSWORD):
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return _login


@pytest.fixture
def day():
    return date(2026, 11, 22)


@pytest.fixture
def clock():
    """The clock stands still at noon in Amsterdam on TODAY (Tuesday 1 December 2026) for the whole test.

    Put it first among a test's fixtures (or in `pytestmark = pytest.mark.usefixtures("clock")`), so the data
    the other fixtures make is dated that day too; `with on(day):` inside the test moves it.
    """
    with on(TODAY):
        yield TODAY


@pytest.fixture
def smtp(app):
    """Start a real SMTP server (aiosmtpd) on loopback and point the app at it."""
    from .smtp import Recorder, SmtpServer

    def start(**behaviour):
        server = SmtpServer(Recorder(**behaviour))
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_RETRY_BASE=0, MAIL_TIMEOUT=5)
        return server

    yield start
    app.config.update(MAIL_SERVER=None, MAIL_PORT=25)
