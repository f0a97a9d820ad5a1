"""Subscribing to a processor's announcements by e-mail, and managing or ending it from the mail's links. The
blueprint is made here and every route module is imported below, so that none can be left unregistered
(tests/functional/test_blueprints.py checks it)."""

from flask import Blueprint

bp = Blueprint("subscriptions", __name__)

from registry.web.subscriptions import views, webhooks  # noqa: E402, F401  (the routes, on bp)
