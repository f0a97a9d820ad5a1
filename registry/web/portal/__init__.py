"""The controller's side (/portal): the dashboard, its contracts' registries, objections, consent decisions,
notices of termination and the proof of the notices received. The blueprint is made here and every route module is
imported below, so that none can be left unregistered (tests/functional/test_blueprints.py checks it)."""

from flask import Blueprint

bp = Blueprint("portal", __name__, url_prefix="/portal")

from registry.web.portal import calendar, cases, colleagues, views, webhooks  # noqa: E402, F401  (the routes, on bp)
