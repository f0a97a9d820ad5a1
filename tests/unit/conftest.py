"""Rendering a domain Text as a reader sees it, through the app's own renderer, without a database."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from registry import create_app


@pytest.fixture(scope="session")
def bare_app():
    """The app over an in-memory SQLite that no test fills: enough for gettext and the date formatter."""
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "DEFAULT_LANGUAGE": "en"})


@pytest.fixture
def words(bare_app):
    """words(text, language) -> what a page in that language shows for `text`."""

    def shown(text, language: str = "en") -> str:
        with bare_app.test_request_context(), force_locale(language):
            return str(text)

    return shown
