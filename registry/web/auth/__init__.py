"""Logging in and out (with a second factor), sessions that end, changing and resetting the password. The blueprint
is made here and every route module is imported below, so that none can be left unregistered
(tests/functional/test_blueprints.py checks it)."""

from flask import Blueprint

from registry.web.auth import sessions

bp = Blueprint("auth", __name__)
bp.before_app_request(sessions.check_session)

from registry.web.auth import invitations, password_reset, second_factor, two_factor, views  # noqa: E402, F401, I001

# After check_session: a session that has run out is ended before it could be sent to set up 2FA.
bp.before_app_request(second_factor.require_setup)
