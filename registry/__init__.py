"""Sub-processor Registry. The domain lives in the area packages below (see README, Architecture); the app factory
is registry.web.app.create_app, reached as registry.create_app (`flask --app registry`), so that code importing only
the domain never loads registry.web."""

from __future__ import annotations

from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent
# templates/, static/, migrations/ and seed/: inside the package in an installed wheel (see pyproject.toml),
# beside it at the top of the repository in a checkout.
RESOURCE_ROOT = PACKAGE_DIR if (PACKAGE_DIR / "templates").is_dir() else PACKAGE_DIR.parent


def __getattr__(name: str) -> Any:
    """`registry.create_app`: imported on first use, so that importing a domain module does not load the web layer."""
    if name == "create_app":
        from registry.web.app import create_app

        return create_app
    raise AttributeError(f"module 'registry' has no attribute {name!r}")
