"""The public pages: the processors, each registry on a day and its CSV, the announced changes, the registry
versions and their comparison, the feeds, the audit log's signed checkpoints. The blueprint is made here and every
route module is imported below, so that none can be left unregistered (tests/functional/test_blueprints.py)."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from registry.web.public import apipage, audit, changes, feeds, logo, views, wellknown  # noqa: E402, F401  (the routes, on bp)
