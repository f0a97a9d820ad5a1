"""Fixtures of the functional tests beyond the shared ones (tests/conftest.py)."""

import pytest

from .seeded import DAY, on_the_day


@pytest.fixture
def fuzz_day():
    """The form fuzz runs on one fixed day, so that its valid dates keep every notice period."""
    with on_the_day():
        yield DAY
