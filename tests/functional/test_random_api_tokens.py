"""Property-based, like test_random_calendar.py: the API tokens page (make a token, revoke one) posted as a browser
would, and the write API (draft, publish) posted as a script would, with whatever else it sends. Never a 5xx;
another processor's token or announcement is a 404 and stays as it is; every valid example does what it says."""

from __future__ import annotations

import json
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from registry.accounts import api_tokens
from registry.announcements import publication
from registry.announcements.drafting import save_draft
from registry.extensions import db
from registry.models import Announcement, ApiToken, AuditEntry, Processor, User
from registry.web.api import write

from .fuzz import EXAMPLES, FORM, INERT, OK, REFUSED, Field, Spy, Tally, Value, drive, example, isolated, several, text
from .seeded import DAY, backend, count

SCOPES = ["read", "draft", "publish"]


def _processor(slug: str) -> Processor:
    return db.session.scalar(select(Processor).filter_by(slug=slug))


def days_field() -> Field:
    bad = st.sampled_from(["0", "366", "-1", "abc", "", "1e3", "9" * 30])
    return Field(st.integers(1, 365).map(str).map(Value), bad.map(lambda raw: Value(raw, FORM)))


def test_the_token_form(fuzz_day, app, client, users, login, monkeypatch):
    login(users.vcare_editor)
    spy = Spy(monkeypatch).on(api_tokens, "create")
    tally = Tally("TokenForm", backend(app))
    fields = {
        "name": text(100, required=True),
        "scopes": several(st.lists(st.sampled_from(SCOPES), min_size=1, max_size=3, unique=True), ["admin", "x"]),
        "days": days_field(),
    }

    @EXAMPLES
    @given(values=example(fields))
    def run(values):
        with isolated():
            before, calls = count(ApiToken, AuditEntry), spy.calls
            response = client.post("/admin/processors/vcare/tokens/", data={k: v.raw for k, v in values.items()})

            def done() -> bool:
                return (
                    response.status_code == 200
                    and "spr_" in response.get_data(as_text=True)
                    and count(ApiToken, AuditEntry) == tuple(n + 1 for n in before)
                )

            drive(response, values, tally, spy.calls > calls, count(ApiToken, AuditEntry) == before, done)

    run()
    tally.assert_real_share()


def test_the_revoke_button(fuzz_day, app, client, users, login, monkeypatch):
    editor_id = users.vcare_editor.id
    mine = api_tokens.create(users.vcare_editor, _processor("vcare"), "CI", ["read"], 30)[0].id
    theirs = api_tokens.create(users.vtm_editor, _processor("vtm"), "CI", ["read"], 30)[0].id
    login(users.vcare_editor)
    spy = Spy(monkeypatch).on(api_tokens, "revoke")
    tally = Tally("RevokeTokenForm", backend(app))

    @EXAMPLES
    @given(
        own=st.booleans(),
        revoked_first=st.booleans(),
        extra=st.dictionaries(st.sampled_from(["x", "token_id", "name"]), st.sampled_from(INERT), max_size=2),
    )
    def run(own, revoked_first, extra):
        with isolated():
            if revoked_first:
                api_tokens.revoke(db.session.get(User, editor_id), _processor("vcare"), mine)
            target = mine if own else theirs
            entries, calls = count(AuditEntry), spy.calls
            response = client.post(f"/admin/processors/vcare/tokens/{target}/revoke", data=extra)

            def done() -> bool:
                db.session.expire_all()
                if db.session.get(ApiToken, theirs).revoked_at is not None:
                    return False
                if not own:
                    return response.status_code == 404 and count(AuditEntry) == entries
                if response.status_code != 302 or db.session.get(ApiToken, mine).revoked_at is None:
                    return False
                return count(AuditEntry) == (entries if revoked_first else tuple(n + 1 for n in entries))

            drive(response, {}, tally, spy.calls > calls, True, done)

    run()
    tally.assert_real_share()


def _json_field(valid, bad) -> Field:
    return Field(valid.map(Value), bad.map(lambda raw: Value(raw, REFUSED)))


DRAFT_FIELDS = {
    "kind": _json_field(st.just("add"), st.sampled_from(["teleport", "", None, 3, ["add"]])),
    "services": _json_field(
        st.lists(st.sampled_from(["operator", "reporter"]), min_size=1, max_size=2, unique=True),
        st.sampled_from([[], ["operator", "nope"], "operator", [1], None]),
    ),
    "new_name": _json_field(st.sampled_from(["Acme Cloud", "Zürich Data", "Klant opname"]), st.sampled_from(["", 5])),
    "reason": _json_field(
        st.sampled_from(["Cheaper", "A reason a controller can weigh", *INERT[:3]]), st.sampled_from(["", "  ", None])
    ),
    "effective_date": _json_field(
        st.integers(60, 300).map(lambda n: (DAY + timedelta(days=n)).isoformat()),
        st.sampled_from(["2026-02-30", "tomorrow", DAY.isoformat(), (DAY + timedelta(days=3)).isoformat(), 20270101]),
    ),
    "locations": _json_field(
        st.sampled_from(
            [
                [{"country": "NL", "place": "Amsterdam", "role": "processing"}],
                [{"country": "US", "place": "Virginia", "role": "processing", "transfer_basis": "scc"}],
            ]
        ),
        st.sampled_from(
            [
                [{"country": "US", "transfer_basis": "privacy_shield"}],
                [{"country": "XX"}],
                [{"country": 3}],
                "NL",
                [{"country": "NL", "role": "boss"}],
            ]
        ),
    ),
}


def test_the_draft_api(fuzz_day, app, client, users, monkeypatch):
    secret = api_tokens.create(users.vcare_editor, _processor("vcare"), "CI", ["draft"], 30)[1]
    spy = Spy(monkeypatch).on(write, "save_draft")
    tally = Tally("API draft", backend(app))

    @EXAMPLES
    @given(values=example(DRAFT_FIELDS), key=st.one_of(st.none(), st.sampled_from(["k1", "k2", "x" * 201])))
    def run(values, key):
        with isolated():
            before, calls = count(Announcement, AuditEntry), spy.calls
            headers = {"Authorization": f"Bearer {secret}"}
            if key is not None:
                headers["Idempotency-Key"] = key
            body = {name: v.raw for name, v in values.items()}
            response = client.post(
                "/api/v1/processors/vcare/announcements",
                data=json.dumps(body),
                content_type="application/json",
                headers=headers,
            )
            if key == "x" * 201:  # a key too long: refused before anything is done
                values = {**values, "key": Value(key, REFUSED)}

            def done() -> bool:
                made = response.status_code == 201 and response.get_json()["announcement"]["status"] == "draft"
                return made and count(Announcement, AuditEntry) == tuple(n + 1 for n in before)

            unchanged = count(Announcement, AuditEntry) == before
            drive(response, values, tally, spy.calls > calls, unchanged and response.is_json, done, refusals=(422,))

    run()
    tally.assert_real_share()


def test_the_publish_api(fuzz_day, app, client, users, monkeypatch):
    secret = api_tokens.create(users.vcare_editor, _processor("vcare"), "CI", ["publish"], 30)[1]
    editor_id, vtm_editor_id = users.vcare_editor.id, users.vtm_editor.id
    spy = Spy(monkeypatch).on(publication, "publish")
    tally = Tally("API publish", backend(app))

    def draft(user_id: int, slug: str, days: int) -> int:
        processor = _processor(slug)
        return save_draft(
            db.session.get(User, user_id),
            processor,
            None,
            {
                "kind": "add",
                "service_ids": [processor.services[0].id],
                "new_name": "Acme Cloud",
                "reason": "Cheaper",
                "effective_date": DAY + timedelta(days=days),
                "locations": [{"country": "NL", "place": None, "role": "processing", "transfer_basis": None}],
            },
        ).id

    @EXAMPLES
    @given(
        which=st.sampled_from(["own", "own", "theirs", "none"]),
        days=st.integers(60, 200),
        body=st.one_of(st.just({}), st.dictionaries(st.sampled_from(["x", "id"]), st.sampled_from(INERT), max_size=2)),
    )
    def run(which, days, body):
        with isolated():
            own = draft(editor_id, "vcare", days)
            theirs = draft(vtm_editor_id, "vtm", days)
            target = {"own": own, "theirs": theirs, "none": 10**9}[which]
            calls = spy.calls
            response = client.post(
                f"/api/v1/processors/vcare/announcements/{target}/publish",
                data=json.dumps(body),
                content_type="application/json",
                headers={"Authorization": f"Bearer {secret}"},
            )

            def done() -> bool:
                db.session.expire_all()
                if db.session.get(Announcement, theirs).status != "draft":
                    return False
                if which != "own":
                    return response.status_code == 404 and db.session.get(Announcement, own).status == "draft"
                return response.status_code == 200 and db.session.get(Announcement, own).status == "published"

            drive(response, {"which": Value(which, OK)}, tally, spy.calls > calls or which != "own", True, done)

    run()
    tally.assert_real_share(0.2)
