"""Sessions that end: after SESSION_IDLE_MINUTES without a request, and a remembered log-in REMEMBER_DAYS after
it was made, however active it is.

"Keep me logged in" makes the session itself permanent (Flask's signed session cookie, kept when the browser
closes) instead of using Flask-Login's remember cookie: that cookie carries no date, so the server could not
tell a 31-day-old one from a new one. The log-in time lives in the signed session, so the limit holds for a
copied cookie too."""

from __future__ import annotations

import time

from flask import current_app, flash, g, request, session
from flask_babel import ngettext
from flask_login import logout_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from registry.web.cookieless import is_cookieless

LOGGED_IN_AT, SEEN_AT, REMEMBERED = "logged_in_at", "seen_at", "remembered"
# A password accepted for an account with two-factor sign-in: the code must follow within PENDING_SECONDS.
PENDING, PENDING_SECONDS = "pending_login", 300
# Write the last-seen time at most once a minute, so that a page's burst of requests is not re-signed each time.
SEEN_RESOLUTION = 60


def start(remember: bool) -> None:
    """A fresh session for a log-in: nothing of the anonymous one carries over (no fixation, a new CSRF token)."""
    session.clear()
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)  # Flask-WTF's copy for this request
    now = int(time.time())
    session[LOGGED_IN_AT] = session[SEEN_AT] = now
    session[REMEMBERED] = remember
    session.permanent = remember


def _pending_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="pending-login")


def begin_pending(user, remember: bool, next_url: str | None) -> None:
    """The password was right and a code must follow: a fresh session holding only a signed, dated marker of
    the account (not a log-in: every protected page still sends it to log in)."""
    session.clear()
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    marker = {"id": user.id, "token": user.session_token, "remember": bool(remember), "next": next_url}
    session[PENDING] = _pending_serializer().dumps(marker)


def pending() -> dict | str | None:
    """The pending log-in's marker; "expired" after PENDING_SECONDS; None when there is none (or a forged one)."""
    signed = session.get(PENDING)
    if not signed:
        return None
    try:
        return _pending_serializer().loads(signed, max_age=PENDING_SECONDS)
    except SignatureExpired:
        return "expired"
    except BadSignature:
        return None


def end() -> None:
    """Log out of this session and forget everything it held."""
    session.clear()
    logout_user()  # also clears a remember cookie left from before sessions were kept this way


def why_ended(
    now: float,
    logged_in_at: float | None,
    seen_at: float | None,
    remembered: bool,
    idle_minutes: int,
    remember_days: int,
) -> str | None:
    """'idle', 'remembered' or 'unknown' when a session has run out; None while it holds."""
    if logged_in_at is None or seen_at is None:
        return "unknown"  # made before log-in times were kept: log in again
    if remembered:
        return "remembered" if now - logged_in_at > remember_days * 86400 else None
    return "idle" if now - seen_at > idle_minutes * 60 else None


def _explain(reason: str, idle_minutes: int, remember_days: int) -> str | None:
    if reason == "idle" and idle_minutes % 60 == 0:
        return ngettext(
            "You were signed out after %(num)s hour without activity.",
            "You were signed out after %(num)s hours without activity.",
            idle_minutes // 60,
        )
    if reason == "idle":
        return ngettext(
            "You were signed out after %(num)s minute without activity.",
            "You were signed out after %(num)s minutes without activity.",
            idle_minutes,
        )
    if reason == "remembered":
        return ngettext(
            "You were signed out: a log-in is kept on a device for at most %(num)s day.",
            "You were signed out: a log-in is kept on a device for at most %(num)s days.",
            remember_days,
        )
    return None


def check_session() -> None:
    """Before each request: end a session that has run out (with a message), else note that it was used. An answer
    that depends on no cookie leaves the session unread (registry.web.cookieless)."""
    if is_cookieless():
        return
    if "_user_id" not in session:
        if current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies:
            session["_remember"] = "clear"  # an old remember cookie restores nothing, and is removed
        return
    config = current_app.config
    idle, days = config["SESSION_IDLE_MINUTES"], config["REMEMBER_DAYS"]
    now = time.time()
    reason = why_ended(now, session.get(LOGGED_IN_AT), session.get(SEEN_AT), bool(session.get(REMEMBERED)), idle, days)
    if reason:
        message = _explain(reason, idle, days)  # in the account's language, read before it logs out
        end()
        if message:
            flash(message, "info")
    elif now - session[SEEN_AT] >= SEEN_RESOLUTION:
        session[SEEN_AT] = int(now)
