"""The processor's side (/admin): its services, contract terms, customer contracts, announcements and objections,
for its editors and the site admin. The blueprint is made here and every route module is imported below, so that
none can be left unregistered (tests/functional/test_blueprints.py checks it)."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from registry.web.admin import (  # noqa: E402, F401  (the routes, on bp)
    announcements,
    contract_imports,
    contract_invitations,
    imports,
    invitations,
    objections,
    onboarding,
    profile,
    tokens,
    views,
    webhooks,
)
