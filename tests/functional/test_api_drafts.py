"""The write API's drafts beyond the first script (tests/functional/test_api_tokens.py): a location worldwide as the
form says it, and a token whose maker can no longer edit the processor. Fixed clock: Tuesday 1 December 2026."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from registry.accounts import api_tokens
from registry.accounts import users as accounts
from registry.extensions import db
from registry.models import Announcement, ApiToken, IdempotencyRecord, Processor

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


def test_keys_are_kept_per_token_and_a_key_in_use_is_409(client, users):
    first = api_tokens.create(users.vcare_editor, vcare(), "CI", ["draft"], 30)[1]
    second = api_tokens.create(users.vcare_editor, vcare(), "CI 2", ["draft"], 30)[1]
    assert post(client, first, **{"Idempotency-Key": "same"}).status_code == 201
    assert post(client, second, **{"Idempotency-Key": "same"}).status_code == 201  # another token's key
    assert db.session.scalar(select(func.count()).select_from(Announcement)) == 2
    token = db.session.scalar(select(ApiToken).filter_by(name="CI"))
    print_ = api_tokens.fingerprint("POST", "/api/v1/processors/vcare/announcements", json.dumps(ACME).encode())
    assert api_tokens.claim(token, "busy", print_) is None  # a twin request holds the key, not finished yet
    response = post(client, first, **{"Idempotency-Key": "busy"})
    assert response.status_code == 409 and response.get_json()["error"] == "Conflict"
    assert db.session.scalar(select(func.count()).select_from(Announcement)) == 2


def test_a_refused_request_gives_its_key_back(client, users):
    secret = api_tokens.create(users.vcare_editor, vcare(), "CI", ["draft"], 30)[1]
    early = {**ACME, "effective_date": "2026-12-11"}
    assert post(client, secret, body=early, **{"Idempotency-Key": "k"}).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 0
    assert post(client, secret, body=early, **{"Idempotency-Key": "k"}).status_code == 422  # judged again


def test_the_api_answers_in_the_language_asked_for(client, users):
    secret = api_tokens.create(users.vcare_editor, vcare(), "CI", ["read"], 30)[1]
    response = post(client, secret, **{"Accept-Language": "nl"})
    assert response.status_code == 403
    assert response.get_json()["message"] == "Dit API-token mist de bevoegdheid draft."
