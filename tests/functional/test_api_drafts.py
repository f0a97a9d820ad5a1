"""The write API's drafts beyond the first script (tests/functional/test_api_tokens.py): a location worldwide as the
form says it, and a token whose maker can no longer edit the processor. Fixed clock: Tuesday 1 December 2026."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from registry.accounts import api_tokens
from registry.accounts import users as accounts
from registry.extensions import db
from registry.models import Announcement, Processor

from .test_api_tokens import ACME, post

pytestmark = pytest.mark.usefixtures("clock")


def vcare() -> Processor:
    return db.session.scalar(select(Processor).filter_by(slug="vcare"))


def test_a_location_worldwide_is_the_forms_worldwide(client, users):
    secret = api_tokens.create(users.vcare_editor, vcare(), "CI", ["draft"], 30)[1]
    body = {**ACME, "locations": [{"country": "WORLD", "role": "processing", "transfer_basis": "adequacy"}]}
    response = post(client, secret, body=body)
    assert response.status_code == 422
    assert response.get_json()["message"] == (
        "Location 1 (Worldwide) is outside the EEA on January 30, 2027: an adequacy decision cannot cover "
        "locations worldwide."
    )


def test_a_token_stops_when_its_maker_is_disabled(client, users):
    secret = api_tokens.create(users.vcare_editor, vcare(), "CI", ["draft"], 30)[1]
    users_module_disable(users.vcare_editor.email)
    response = post(client, secret)
    assert response.status_code == 401
    assert response.get_json()["message"] == "The account that made this API token can no longer edit the processor."
    assert db.session.scalar(select(Announcement).filter_by(new_name="Acme Cloud")) is None


def users_module_disable(email: str) -> None:
    accounts.disable(email)
