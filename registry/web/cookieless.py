"""Answers that depend on no cookie (feeds, the public JSON, signed snapshots): they never touch the session, so
Flask adds no `Vary: Cookie` and shared caches can keep one copy for everyone.

Flask marks the session as read whenever anything opens it, and then answers `Vary: Cookie`: the check that ends a
timed-out session (auth.sessions.check_session), the 2FA set-up check and the language choice (flask-login's
current_user) each did so on every request; they skip a view marked @cookieless. Flask-Login's own after-request
hook (the remember cookie) still reads it, so for such a view the session is not saved either: no Set-Cookie and
no Vary: Cookie (SessionWithoutCookieless)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, g, has_request_context, request
from flask.sessions import SecureCookieSessionInterface


def cookieless(view: Callable) -> Callable:
    """Mark a view whose answer is the same for every reader of its URL."""
    view.cookieless = True  # type: ignore[attr-defined]
    return view


def is_cookieless() -> bool:
    if not has_request_context() or request.endpoint is None:
        return False
    return getattr(current_app.view_functions.get(request.endpoint), "cookieless", False)


def language() -> str | None:
    """A cookieless answer's language: ?lang= (nl or en), else the browser's Accept-Language (then the answer
    says it varies by that), else None for the default."""
    from registry.web.i18n import LANGUAGES

    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        return chosen
    if request.accept_languages:
        g.varies_by_language = True
        return request.accept_languages.best_match(list(LANGUAGES))
    return None


class SessionWithoutCookieless(SecureCookieSessionInterface):
    """Flask's signed-cookie session, which a cookieless answer neither writes nor varies by."""

    def save_session(self, app, session, response) -> None:
        if is_cookieless():
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    app.session_interface = SessionWithoutCookieless()

    @app.after_request
    def _vary(response):
        if g.pop("varies_by_language", False):
            response.vary.add("Accept-Language")
        return response
