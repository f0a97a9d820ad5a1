"""Answers that are the same for every reader of their address (a calendar by its secret): the session is not
saved for them, so they set no cookie and send no Vary: Cookie, although before_request hooks look at the session.
Mark a view with @sessionless (below its route decorator); the app's session interface skips saving for it."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface


def sessionless(view: Callable) -> Callable:
    view.sessionless = True
    return view


class _Interface(SecureCookieSessionInterface):
    def save_session(self, app, session, response) -> None:
        view = app.view_functions.get(request.endpoint) if request.endpoint else None
        if getattr(view, "sessionless", False):
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    app.session_interface = _Interface()
