"""A processor's CI publishes a change with an API token: made on /admin/processors/<slug>/tokens/, then draft,
preview and publish through /api/v1 with the form's rules and messages; every refusal is JSON.

Fixed clock: Tuesday 1 December 2026, noon in Amsterdam. Vcare's notice is its 30-day policy: the earliest
effective date is 1 January 2027; 30 January 2027 (60 days on) is fine."""

from __future__ import annotations

import json
import re
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from registry.accounts import api_tokens
from registry.extensions import db
from registry.models import Announcement, ApiToken, AuditEntry, Processor, Service

from ..clock import on
from ..html import field_errors
from .announce import form

pytestmark = pytest.mark.usefixtures("clock")
VC = "contract VC-2024-0117 (telefonie en Operator) of Huisartsenpraktijk X"
API = "/api/v1/processors/vcare/announcements"
ACME = {
    "kind": "add",
    "services": ["operator"],
    "new_name": "Acme Cloud",
    "locations": [{"country": "US", "place": "Virginia", "role": "processing", "transfer_basis": "scc"}],
    "reason": "A reason a controller can weigh",
    "effective_date": "2027-01-30",
}


def make_token(client, slug="vcare", scopes=("read", "draft", "publish"), days="90", name="CI"):
    response = client.post(
        f"/admin/processors/{slug}/tokens/", data={"name": name, "scopes": list(scopes), "days": days}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    return re.search(r'value="(spr_[A-Za-z0-9_-]+)"', page).group(1)


def bearer(secret, **extra):
    return {"Authorization": f"Bearer {secret}", **extra}


def post(client, secret, url=API, body=ACME, **headers):
    return client.post(url, data=json.dumps(body), content_type="application/json", headers=bearer(secret, **headers))


def drafts():
    return db.session.scalar(select(func.count()).select_from(Announcement))


@pytest.fixture
def editor(client, users, login):
    login(users.vcare_editor)
    return client


def test_a_script_drafts_previews_and_publishes(editor, users):
    secret = make_token(editor)
    token = db.session.scalar(select(ApiToken))
    assert token.secret_hash != secret and secret not in json.dumps(
        [e.details for e in db.session.scalars(select(AuditEntry))]
    )
    assert token.prefix == secret[:12] and token.expires_at.date() == date(2027, 3, 1)  # 90 days after 1 December
    assert secret not in editor.get("/admin/processors/vcare/tokens/").get_data(as_text=True)  # shown once
    editor.post("/logout")

    response = post(editor, secret)
    assert response.status_code == 201, response.get_data(as_text=True)
    created = response.get_json()
    assert created["announcement"]["status"] == "draft" and created["announcement"]["services"] == ["operator"]
    assert created["notices"] == [
        {
            "contract": "VC-2024-0117 (telefonie en Operator)",
            "label": VC,
            "notice_days": 30,
            "notice_ends": "2026-12-31",
            "earliest_effective": "2027-01-01",
            "objection_deadline": None,
            "consent_needed": True,
        }
    ]
    number = created["announcement"]["id"]
    preview = editor.get(f"{API}/{number}/preview", headers=bearer(secret))
    assert preview.status_code == 200 and preview.get_json()["notices"] == created["notices"]
    published = post(editor, secret, f"{API}/{number}/publish", body={})
    assert published.status_code == 200, published.get_data(as_text=True)
    assert published.get_json()["registry_version"] == 2
    public = editor.get(published.get_json()["announcement"]["public_url"])
    assert public.status_code == 200 and "Acme Cloud" in public.get_data(as_text=True)

    entry = db.session.scalar(select(AuditEntry).filter_by(action="announcement.publish"))
    assert entry.actor_id == users.vcare_editor.id and entry.details["api_token"]["name"] == "CI"
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_at is not None
    listed = editor.get(API, headers=bearer(secret)).get_json()["announcements"]
    assert [(a["number"], a["status"]) for a in listed][0] == (created["announcement"]["number"], "published")


def test_last_use_is_recorded(editor):
    secret = make_token(editor)
    assert db.session.scalar(select(ApiToken)).last_used_at is None
    with on(date(2026, 12, 3), 9):
        assert editor.get(API, headers=bearer(secret)).status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken)).last_used_at == datetime(
        2026, 12, 3, 8, tzinfo=api_tokens.utcnow().tzinfo
    )
    # To the minute: a second request 30 seconds later writes nothing, one a minute later does.
    with on(date(2026, 12, 3), 9) as clock:
        clock.shift(30)
        assert editor.get(API, headers=bearer(secret)).status_code == 200
        db.session.expire_all()
        assert db.session.scalar(select(ApiToken)).last_used_at.second == 0
        clock.shift(30)
        assert editor.get(API, headers=bearer(secret)).status_code == 200
        db.session.expire_all()
        assert db.session.scalar(select(ApiToken)).last_used_at.minute == 1


def test_an_idempotency_key_is_kept_for_a_day(editor):
    """After 24 hours its answer is gone and the key may name a new request (Stripe keeps keys as long)."""
    secret = make_token(editor)
    before = drafts()
    with on(date(2026, 12, 1), 9):
        assert post(editor, secret, **{"Idempotency-Key": "nightly"}).status_code == 201
    with on(date(2026, 12, 2), 8):  # 23 hours later: the same key with another body is still refused
        other = post(editor, secret, body={**ACME, "reason": "Another reason"}, **{"Idempotency-Key": "nightly"})
        assert other.status_code == 422
    with on(date(2026, 12, 2), 10):  # 25 hours later: a new request
        again = post(editor, secret, body={**ACME, "new_name": "Beta Cloud"}, **{"Idempotency-Key": "nightly"})
        assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert drafts() == before + 2


def _form_message(editor, field, **kwargs):
    response = editor.post("/admin/processors/vcare/announcements/new", data=form(**kwargs))
    assert response.status_code == 400
    return field_errors(response.get_data(as_text=True))[field]


@pytest.mark.parametrize(
    ("body", "form_kwargs", "field"),
    [
        ({"effective_date": "2026-12-11"}, {"new_name": "Acme Cloud", "days": 10}, "effective_date"),
        (
            {"locations": [{"country": "US", "place": "", "role": "processing", "transfer_basis": "privacy_shield"}]},
            {"new_name": "Acme Cloud", "locations": (("US", "", "privacy_shield"),)},
            "locations",
        ),
    ],
)
def test_rules_refuse_with_the_forms_words(editor, body, form_kwargs, field):
    secret = make_token(editor)
    expected = _form_message(editor, field, **form_kwargs)
    before = drafts()
    response = post(editor, secret, body={**ACME, **body})
    assert response.status_code == 422
    assert response.get_json() == {"error": "Unprocessable Content", "message": expected, "field": field}
    assert drafts() == before


def test_too_early_is_the_forms_message(editor):
    secret = make_token(editor)
    response = post(editor, secret, body={**ACME, "effective_date": "2026-12-11"})
    assert response.get_json()["message"] == (
        f"Too early for {VC}: 30 days' notice (the processor's policy, not in the contract) means the change can "
        "take effect on January 1, 2027 at the earliest."
    )


def test_an_unknown_service(editor):
    # The form offers only Vcare's services; a service id of another processor gets the rule's words from
    # save_draft, which the API gives for a key Vcare has no service for.
    secret = make_token(editor)
    vtm = db.session.scalar(select(Processor).filter_by(slug="vtm"))
    theirs = db.session.scalar(select(Service).filter_by(processor_id=vtm.id)).key
    for key in ("teleport", theirs):
        response = post(editor, secret, body={**ACME, "services": ["operator", key]})
        assert response.status_code == 422
        assert response.get_json()["message"] == "Choose services of Vcare only."
        assert response.get_json()["field"] == "service_ids"


def test_a_retried_post_drafts_once_and_another_body_is_refused(editor):
    secret = make_token(editor)
    before = drafts()
    first = post(editor, secret, **{"Idempotency-Key": "run-42"})
    again = post(editor, secret, **{"Idempotency-Key": "run-42"})
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    assert drafts() == before + 1
    other = post(editor, secret, body={**ACME, "reason": "Another reason"}, **{"Idempotency-Key": "run-42"})
    assert other.status_code == 422 and other.get_json()["field"] == "Idempotency-Key"
    assert drafts() == before + 1
    number = first.get_json()["announcement"]["id"]
    url = f"{API}/{number}/publish"
    assert post(editor, secret, url, body={}, **{"Idempotency-Key": "pub"}).status_code == 200
    replay = post(editor, secret, url, body={}, **{"Idempotency-Key": "pub"})
    assert replay.status_code == 200 and replay.get_json()["registry_version"] == 2
    without_key = post(editor, secret, url, body={})
    assert without_key.status_code == 422  # published already: the form's words
    assert without_key.get_json()["message"] == (
        "Announcement #1 was published already (Version 2 (announcement #1, effective January 30, 2027))."
    )


def test_a_token_of_vcare_on_vtm_is_404(editor):
    secret = make_token(editor)
    response = post(editor, secret, "/api/v1/processors/vtm/announcements", body={**ACME, "services": ["x"]})
    assert response.status_code == 404 and response.get_json()["error"] == "Not Found"
    assert editor.get("/api/v1/processors/vtm/announcements", headers=bearer(secret)).status_code == 404


def test_a_read_token_may_not_draft(editor):
    secret = make_token(editor, scopes=("read",))
    before = drafts()
    response = post(editor, secret)
    assert response.status_code == 403
    assert response.get_json() == {"error": "Forbidden", "message": "This API token lacks the scope draft."}
    assert drafts() == before


def test_an_expired_token_is_401(editor):
    secret = make_token(editor, days="1")
    with on(date(2026, 12, 2), 13):  # made at noon on 1 December: expired an hour ago
        response = editor.get(API, headers=bearer(secret))
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json() == {"error": "Unauthorized", "message": "This API token has expired."}
    with on(date(2026, 12, 2), 11):
        assert editor.get(API, headers=bearer(secret)).status_code == 200


def test_a_revoked_token_is_401(editor):
    secret = make_token(editor)
    token = db.session.scalar(select(ApiToken))
    response = editor.post(f"/admin/processors/vcare/tokens/{token.id}/revoke")
    assert response.status_code == 302
    assert db.session.scalar(select(AuditEntry).filter_by(action="api_token.revoke"))
    response = post(editor, secret)
    assert response.status_code == 401
    assert response.get_json() == {"error": "Unauthorized", "message": "This API token was revoked."}


@pytest.mark.parametrize("secret", [None, "spr_madeup", "nonsense"])
def test_a_cookie_session_is_no_token(editor, secret):
    before = drafts()
    headers = bearer(secret) if secret else {}
    response = editor.post(API, data=json.dumps(ACME), content_type="application/json", headers=headers)
    assert response.status_code == 401 and response.get_json()["error"] == "Unauthorized"
    assert drafts() == before


def test_the_tokens_page_refuses_bad_input_and_keeps_it(editor):
    response = editor.post("/admin/processors/vcare/tokens/", data={"name": "CI job", "days": "400"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'value="CI job"' in page
    assert field_errors(page) == {"days": "Number must be between 1 and 365."}
    response = editor.post("/admin/processors/vcare/tokens/", data={"name": "CI job", "days": "30"})
    assert response.status_code == 400
    assert field_errors(response.get_data(as_text=True)) == {
        "scopes": "Choose at least one scope: read, draft or publish."
    }
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_another_processors_tokens_are_404(editor, users):
    assert editor.get("/admin/processors/vtm/tokens/").status_code == 404
    token, _secret = api_tokens.create(
        users.vtm_editor, db.session.scalar(select(Processor).filter_by(slug="vtm")), "x", ["read"], 5
    )
    assert editor.post(f"/admin/processors/vtm/tokens/{token.id}/revoke").status_code == 404
    assert editor.post(f"/admin/processors/vcare/tokens/{token.id}/revoke").status_code == 404
    assert db.session.get(ApiToken, token.id).revoked_at is None


def test_the_tokens_page_reads_in_dutch(editor):
    dutch = {"Accept-Language": "nl"}
    response = editor.post(
        "/admin/processors/vcare/tokens/", data={"name": "CI", "scopes": ["read"], "days": "30"}, headers=dutch
    )
    page = response.get_data(as_text=True)
    for words in ("API-tokens van Vcare", "Uw nieuwe token", "Bevoegdheden", "Verloopt na (dagen)", "nooit", "actief"):
        assert words in page, words
    assert "Your new token" not in page and "Make the token" not in page


def test_with_csrf_on_the_form_needs_its_token_and_the_api_needs_only_the_bearer(app, editor):
    app.config["WTF_CSRF_ENABLED"] = True
    page = editor.get("/admin/processors/vcare/tokens/").get_data(as_text=True)
    data = {"name": "CI", "scopes": ["read", "draft", "publish"], "days": "30"}
    assert editor.post("/admin/processors/vcare/tokens/", data=data).status_code == 400  # no CSRF token: refused
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    made = editor.post("/admin/processors/vcare/tokens/", data={**data, "csrf_token": csrf})
    secret = re.search(r'value="(spr_[A-Za-z0-9_-]+)"', made.get_data(as_text=True)).group(1)
    before = drafts()
    cookie_only = editor.post(API, data=json.dumps(ACME), content_type="application/json")
    assert cookie_only.status_code == 401 and drafts() == before  # the logged-in session is no one here
    response = post(editor, secret)
    assert response.status_code == 201 and "Set-Cookie" not in response.headers and drafts() == before + 1


def test_a_get_of_the_publish_address_is_a_json_405(editor):
    response = editor.get(f"{API}/1/publish")
    assert response.status_code == 405 and response.is_json


def test_the_api_slows_down_a_client_that_sends_too_many_requests(client, users, app, monkeypatch):
    """API_RATE_LIMIT per client address, with a token or without: the answer past it is 429 in JSON."""
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    _token, secret = api_tokens.create(
        users.vcare_editor, db.session.scalar(select(Processor).filter_by(slug="vcare")), "CI", ["read"], 30
    )
    headers = {"Authorization": f"Bearer {secret}"}
    answers = [client.get("/api/v1/processors/vcare/announcements", headers=headers).status_code for _ in range(3)]
    assert answers == [200, 200, 200]
    refused = client.get("/api/v1/processors/vcare/announcements", headers={"Authorization": "Bearer spr_guess"})
    assert refused.status_code == 429 and refused.is_json and refused.json["error"]
