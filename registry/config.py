"""Settings from the environment: the only module that reads os.environ."""
from __future__ import annotations

import logging
import os
import secrets
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
        problems.append(f"SECRET_KEY is not a real secret (use at least {MIN_KEY_LENGTH} random characters, "
                        "e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`)")
    if problems:
        raise ConfigurationError("Refusing to start with REGISTRY_ENV=production: " + "; ".join(problems) + ".")


def from_environment(instance_path: Path) -> dict:
    """Build the Flask config mapping for this process."""
    instance_path.mkdir(parents=True, exist_ok=True)
    production = os.environ.get("REGISTRY_ENV", "development").strip().lower() == "production"
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'registry.db'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql://" + database_url[len("postgres://"):]
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
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
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", production),
        "WTF_CSRF_TIME_LIMIT": None,
        # The largest request body accepted, in bytes (default 1 MB): a larger one gets 413 before it is read.
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", str(1024 * 1024))),
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute"),
        "PASSWORD_HASH_METHOD": "scrypt",
        # Seconds a worker may reuse a feed's change state before reading it again.
        "FEED_STATE_TTL": float(os.environ.get("FEED_STATE_TTL", "1.0")),
        # The language when neither the account, the switch nor the browser names one.
        "DEFAULT_LANGUAGE": os.environ.get("DEFAULT_LANGUAGE", "nl"),
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).resolve().parent / "translations"),
        "DEFAULT_NOTICE_DAYS": int(os.environ.get("DEFAULT_NOTICE_DAYS", "30")),
    }
