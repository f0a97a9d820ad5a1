"""The JSON API, version 1 (/api/v1): the processors and each registry on a day. The blueprint is made here and
every route module is imported below, so that none can be left unregistered (tests/functional/test_blueprints.py)."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from registry.web.api import docs, versions, views, write  # noqa: E402, F401  (the routes, on bp)
