"""Absolute links on BASE_URL, the same inside a request, a CLI command or the mail worker."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def absolute(endpoint: str, **values) -> str:
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)
