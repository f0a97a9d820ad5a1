"""Logging in and out, sessions that end, changing and resetting the password. The blueprint is made here and
every route module is imported below, so that none can be left unregistered (tests/functional/test_blueprints.py
checks it)."""

from flask import Blueprint

from registry.web.auth import sessions

bp = Blueprint("auth", __name__)
bp.before_app_request(sessions.check_session)

from registry.web.auth import invitations, password_reset, views  # noqa: E402, F401  (the routes, on bp)
