"""Settings from the environment: the only module that reads os.environ."""

from __future__ import annotations

import argparse
import base64
import logging
import os
import secrets
import shlex
import sys
from datetime import timedelta
from pathlib import Path

log = logging.getLogger(__name__)


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    log.warning("SECRET_KEY not set: generated one and stored it in %s", key_file)
    return key


def _program(argv: list[str]) -> str:
    """`gunicorn`, `flask`, … for `/venv/bin/gunicorn` as for `python -m gunicorn`."""
    if not argv:
        return ""
    path = Path(argv[0])
    return path.parent.name if path.name == "__main__.py" else path.name


def _workers_option(args: list[str]) -> int | None:
    """The value of gunicorn's -w/--workers among these arguments, if given."""
    parser = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    parser.add_argument("-w", "--workers", type=int)
    try:
        return parser.parse_known_args(args)[0].workers
    except (argparse.ArgumentError, SystemExit):
        return None


def server_workers(environ, argv: list[str]) -> int | None:
    """How many processes serve the site, as far as the command line and environment tell; None: unknown.

    `flask` serves from one process (`flask run`) or not at all (the other commands). gunicorn takes
    WEB_CONCURRENCY, then GUNICORN_CMD_ARGS, then its command line; a gunicorn.conf.py may set more,
    so gunicorn without any of them counts as unknown."""
    program = _program(argv)
    if program == "flask":
        return 1
    count = None
    if environ.get("WEB_CONCURRENCY", "").strip().isdigit():
        count = int(environ["WEB_CONCURRENCY"])
    for args in (shlex.split(environ.get("GUNICORN_CMD_ARGS", "")), argv[1:] if program == "gunicorn" else []):
        given = _workers_option(args)
        if given is not None:
            count = given
    return count


def _audit_signing_key(instance_path: Path) -> tuple[str, str]:
    """AUDIT_SIGNING_KEY from the environment, else one generated once and kept in instance/; and where it came
    from. The key signs the audit log's checkpoints, so it is kept outside the database on purpose."""
    key = os.environ.get("AUDIT_SIGNING_KEY", "").strip()
    if key:
        return key, "the environment (AUDIT_SIGNING_KEY)"
    key_file = instance_path / "audit_signing_key"
    if key_file.exists():
        return key_file.read_text().strip(), str(key_file)
    # Any 32 random bytes are an Ed25519 private key; stored as base64, the format AUDIT_SIGNING_KEY takes.
    key = base64.b64encode(secrets.token_bytes(32)).decode("ascii")
    key_file.write_text(key + "\n")
    key_file.chmod(0o600)
    log.warning(
        "AUDIT_SIGNING_KEY not set: generated an Ed25519 key for the audit checkpoints and stored it in %s "
        "(keep it, and back it up apart from the database)",
        key_file,
    )
    return key, f"{key_file} (generated)"


def check_signing_key(config: dict) -> None:
    """Refuse to start with an audit signing key that cannot be read, instead of failing at the first checkpoint."""
    from registry.audit.signing import KeyFormatError, load

    try:
        load(config.get("AUDIT_SIGNING_KEY") or "")
    except KeyFormatError as error:
        raise ConfigurationError(
            f"AUDIT_SIGNING_KEY from {config.get('AUDIT_SIGNING_KEY_ORIGIN')} is not an Ed25519 private key: "
            f"{error}. Give base64 of 32 random bytes or a PEM key (`openssl genpkey -algorithm ed25519`)."
        ) from None


class ConfigurationError(RuntimeError):
    """The settings are unsafe for production; the app refuses to start."""


WEAK_KEYS = {"secret", "changeme", "change-me", "dev", "development", "test", "bench", "please-change-me"}
MIN_KEY_LENGTH = 32


def check_production(config: dict, debug: bool) -> None:
    """Refuse to run in production with debug on or without a real SECRET_KEY from the environment."""
    if config.get("REGISTRY_ENV") != "production":
        return
    problems = []
    if debug or config.get("DEBUG") or config.get("DEBUG_REQUESTED"):
        problems.append("debug mode is on (unset FLASK_DEBUG / do not pass --debug)")
    key = config.get("SECRET_KEY_FROM_ENVIRONMENT") or ""
    if not key:
        problems.append("SECRET_KEY is not set in the environment")
    elif key.lower() in WEAK_KEYS or len(key) < MIN_KEY_LENGTH or len(set(key)) < 8:
        problems.append(
            f"SECRET_KEY is not a real secret (use at least {MIN_KEY_LENGTH} random characters, "
            "e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`)"
        )
    problems.extend(_rate_limit_storage_problems(config))
    if problems:
        raise ConfigurationError("Refusing to start with REGISTRY_ENV=production: " + "; ".join(problems) + ".")


def _rate_limit_storage_problems(config: dict) -> list[str]:
    """memory:// counts per process: with several workers each one allows the whole login and subscription
    limit again, so production needs a shared store unless one process is known (or declared) to serve."""
    if not str(config.get("RATELIMIT_STORAGE_URI", "memory://")).startswith("memory://"):
        return []
    workers = config.get("SERVER_WORKERS")
    if config.get("RATELIMIT_ALLOW_MEMORY") or workers == 1:
        return []
    serving = f"{workers} worker processes serve" if workers else "an unknown number of worker processes may serve"
    return [
        f"RATELIMIT_STORAGE_URI is memory:// (limits counted per process) while {serving} the site, so each "
        "would allow the full login and subscription limits again: set RATELIMIT_STORAGE_URI to a store the "
        "workers share (e.g. redis://127.0.0.1:6379/0), or, if a single process serves the site, "
        "WEB_CONCURRENCY=1 or RATELIMIT_ALLOW_MEMORY=true"
    ]


def instance_path() -> str | None:
    """REGISTRY_INSTANCE_PATH, the folder of the SQLite database, the generated keys and the mail written to files;
    None leaves it to Flask: instance/ in a checkout, <venv>/var/registry-instance for an installed wheel."""
    chosen = os.environ.get("REGISTRY_INSTANCE_PATH", "").strip()
    return str(Path(chosen).expanduser().resolve()) if chosen else None


def from_environment(instance_path: Path) -> dict:
    """Build the Flask config mapping for this process."""
    instance_path.mkdir(parents=True, exist_ok=True)
    production = os.environ.get("REGISTRY_ENV", "development").strip().lower() == "production"
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'registry.db'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql://" + database_url[len("postgres://") :]
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    signing_key, signing_key_origin = _audit_signing_key(instance_path)
    return {
        "REGISTRY_ENV": "production" if production else "development",
        "SECRET_KEY": os.environ.get("SECRET_KEY") if production else _secret_key(instance_path),
        "SECRET_KEY_FROM_ENVIRONMENT": os.environ.get("SECRET_KEY"),
        # `flask --debug` and FLASK_DEBUG=1 set this before the app is built.
        "DEBUG_REQUESTED": _flag("FLASK_DEBUG"),
        # Behind a reverse proxy: how many proxies set X-Forwarded-For/-Proto/-Host (0: trust none of them,
        # so that a forged header cannot dodge the rate limits).
        "PROXY_HOPS": int(os.environ.get("PROXY_HOPS", "0")),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "AUDIT_SIGNING_KEY": signing_key,
        "AUDIT_SIGNING_KEY_ORIGIN": signing_key_origin,
        # Where `flask backup` finds PostgreSQL's pg_dump (a name on PATH or a full path).
        "PG_DUMP": os.environ.get("PG_DUMP", "pg_dump"),
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS"),
        "MAIL_USE_SSL": _flag("MAIL_USE_SSL"),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "registry@localhost"),
        "MAIL_TIMEOUT": float(os.environ.get("MAIL_TIMEOUT", "30")),
        "MAIL_RETRY_BASE": float(os.environ.get("MAIL_RETRY_BASE", "30")),
        "MAIL_RETRY_MAX": float(os.environ.get("MAIL_RETRY_MAX", "3600")),
        "MAIL_MAX_ATTEMPTS": int(os.environ.get("MAIL_MAX_ATTEMPTS", "10")),
        "MAIL_CLAIM_LEASE": float(os.environ.get("MAIL_CLAIM_LEASE", "300")),
        # The worker records outcomes on a connection of its own (off: through the session, as in-process
        # callers that share a transaction need).
        "MAIL_MARK_OWN_CONNECTION": _flag("MAIL_MARK_OWN_CONNECTION", True),
        # Webhooks (registry/webhooks): receivers on private, loopback or link-local addresses are refused unless
        # this is set; a CA file to trust besides the system's (a receiver with a certificate of an own CA).
        "WEBHOOK_ALLOW_PRIVATE_TARGETS": _flag("WEBHOOK_ALLOW_PRIVATE_TARGETS"),
        "WEBHOOK_CA_FILE": os.environ.get("WEBHOOK_CA_FILE") or None,
        "WEBHOOK_TIMEOUT": float(os.environ.get("WEBHOOK_TIMEOUT", "10")),
        "WEBHOOK_RETRY_BASE": float(os.environ.get("WEBHOOK_RETRY_BASE", "60")),
        "WEBHOOK_RETRY_MAX": float(os.environ.get("WEBHOOK_RETRY_MAX", "21600")),
        "WEBHOOK_MAX_ATTEMPTS": int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "10")),
        "WEBHOOK_PAUSE_AFTER": int(os.environ.get("WEBHOOK_PAUSE_AFTER", "5")),
        # A WebSub hub (W3C WebSub): feeds name it (rel="hub") and the worker tells it of every changed feed.
        "WEBSUB_HUB": (os.environ.get("WEBSUB_HUB") or "").strip() or None,
        # Webhook endpoints registered from a subscription's page (no account), per client address.
        "WEBHOOK_REGISTRATION_RATE_LIMIT": os.environ.get("WEBHOOK_REGISTRATION_RATE_LIMIT", "10 per hour"),
        # The token-authenticated write API (/api/v1/processors/<slug>/announcements…), per client address.
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "120 per minute"),
        "WEBHOOK_CLAIM_LEASE": float(os.environ.get("WEBHOOK_CLAIM_LEASE", "300")),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Production accepts memory:// only when one process serves, or when told so explicitly.
        "RATELIMIT_ALLOW_MEMORY": _flag("RATELIMIT_ALLOW_MEMORY"),
        "SERVER_WORKERS": server_workers(os.environ, sys.argv),
        "RATELIMIT_HEADERS_ENABLED": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", production),
        # Flask-Login's remember cookie is no longer set (a remembered log-in is a permanent session, see
        # auth/sessions.py); these still apply when it clears one left from before.
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", production),
        "WTF_CSRF_TIME_LIMIT": None,
        # The largest request body accepted, in bytes (default 1 MB): a larger one gets 413 before it is read.
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", str(1024 * 1024))),
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute"),
        # Failed log-ins per e-mail address typed, from any client address.
        "LOGIN_ACCOUNT_RATE_LIMIT": os.environ.get("LOGIN_ACCOUNT_RATE_LIMIT", "10 per hour"),
        # Requests for a password reset link: per client address, and per e-mail address typed from any client.
        "PASSWORD_RESET_RATE_LIMIT": os.environ.get("PASSWORD_RESET_RATE_LIMIT", "10 per hour"),
        "PASSWORD_RESET_ACCOUNT_RATE_LIMIT": os.environ.get("PASSWORD_RESET_ACCOUNT_RATE_LIMIT", "5 per hour"),
        # Asking the inviter for a new invitation from a link that no longer works, per client address (and once
        # per invitation per day, whatever the limit).
        "INVITATION_REQUEST_RATE_LIMIT": os.environ.get("INVITATION_REQUEST_RATE_LIMIT", "10 per hour"),
        # A session ends after this long without a request; a remembered log-in (a session kept when the
        # browser closes) after REMEMBER_DAYS from the log-in, however active.
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES", "480")),
        "REMEMBER_DAYS": int(os.environ.get("REMEMBER_DAYS", "30")),
        "PERMANENT_SESSION_LIFETIME": timedelta(days=int(os.environ.get("REMEMBER_DAYS", "30"))),
        "PASSWORD_HASH_METHOD": "scrypt",
        # Site admins and processor editors must use two-factor sign-in (controller users may); on in production.
        "REQUIRE_2FA": _flag("REQUIRE_2FA", production),
        # Seconds a worker may reuse a feed's change state before reading it again.
        "FEED_STATE_TTL": float(os.environ.get("FEED_STATE_TTL", "1.0")),
        # The language when neither the account, the switch nor the browser names one.
        "DEFAULT_LANGUAGE": os.environ.get("DEFAULT_LANGUAGE", "nl"),
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).resolve().parent / "translations"),
    }
