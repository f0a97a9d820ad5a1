"""Property-based: every form of the portal, posted as a browser would, with mostly valid values (real choices
from the seeded database, dates that keep the notice periods) and, in some examples, one or two fields attacked
with hostile text. Each value knows by construction what the portal must do with it (fuzz.py): the form refuses
control and direction characters and over-long values with a message on the field that keeps the text, and the
service never runs; a value the domain refuses changes nothing; every other example is taken. Never a 5xx.
Each example runs in a savepoint that is rolled back; the figures of each form go to test-artifacts/.

This module: query strings and paths, the account forms, the subscription forms, and the check that every route
taking a POST has its fuzz test (the registry's forms: test_random_registry.py; objections:
test_random_objections.py)."""

from __future__ import annotations

import importlib

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from registry.accounts import users as accounts
from registry.extensions import db
from registry.mail import subscriptions
from registry.models import Service, Subscription, User

from ..conftest import FreshContextClient
from ..factories import PASSWORD
from .fuzz import (
    EXAMPLES,
    FORM,
    OK,
    REFUSED,
    Field,
    Spy,
    Tally,
    Value,
    choice,
    drive,
    example,
    fixed,
    form_data,
    free_text,
    isolated,
    several,
    text,
)
from .seeded import BOGUS_IDS, EMAILS, backend, count, ids_of, other_ids, subsets, vcare

RANDOM = settings(EXAMPLES, max_examples=25)
junk = st.text(max_size=60)
junk_or_number = st.one_of(junk, st.integers(-(10**12), 10**12).map(str))
STRONG = ["umbrella Quartz 93 lantern", "kX9#mP2$vL7@qR4zT", "seven otters juggle 42 plums"]


# Query strings ----------------------------------------------------------------------------------------------


@RANDOM
@given(at=junk, page=junk_or_number, older=junk_or_number, newer=junk_or_number, fmt=junk)
def test_random_query_parameters(client, at, page, older, newer, fmt):
    for url, params in [
        ("/processors/vcare/", {"at": at}),
        ("/api/v1/processors/vcare", {"at": at}),
        ("/processors/vcare/registry.csv", {"at": at}),
        ("/processors/vcare/changes/", {"page": page}),
        ("/processors/vcare/compare", {"from": older, "to": newer, "format": fmt}),
    ]:
        status = client.get(url, query_string=params).status_code
        assert status < 500, (url, params, status)


@RANDOM
@given(segment=st.text(min_size=1, max_size=30).filter(lambda s: "/" not in s and s not in (".", "..")))
def test_random_path_segments(client, segment):
    """Slugs, keys and tokens from the address bar: an answer for each, never a 5xx."""
    for url in [
        f"/processors/{segment}/",
        f"/api/v1/processors/{segment}",
        f"/processors/{segment}/feed.atom",
        f"/processors/vcare/services/{segment}/",
        f"/subscriptions/{segment}/",
        f"/subscriptions/confirm/{segment}",
        f"/password/reset/{segment}",
        f"/processors/{segment}/registry.csv",
    ]:
        assert client.get(url).status_code < 500, url


# Accounts ---------------------------------------------------------------------------------------------------


def test_the_login_form(fuzz_day, app, users, monkeypatch):
    spy = Spy(monkeypatch).on(accounts, "authenticate")
    tally = Tally("LoginForm", backend(app))
    address = users.controller_a.email
    app.test_client_class = FreshContextClient
    fields = {
        "email": text(254, required=True, valid=st.sampled_from([address, address.upper()])),
        "password": Field(
            st.just(Value(PASSWORD)),
            st.one_of(
                text(200, required=True, valid=st.just(PASSWORD), secret=True).attack,
                st.sampled_from(["wrong password", PASSWORD + " ", PASSWORD.upper()]).map(
                    lambda wrong: Value(wrong, REFUSED)
                ),
            ),
        ),
        "remember": fixed("y"),
    }

    @EXAMPLES
    @given(values=example(fields))
    def run(values):
        with isolated():
            client, calls = app.test_client(), spy.calls
            response = client.post("/login", data=form_data(values))
            drive(
                response,
                values,
                tally,
                spy.calls > calls,
                True,
                lambda: response.status_code == 302 and client.get("/portal/").status_code == 200,
                refusals=(400, 401),
            )

    run()
    tally.assert_real_share()


def test_the_logout_form(fuzz_day, app, users, monkeypatch):
    """Only the CSRF token: whatever else a browser sends, logging out works."""
    spy = Spy(monkeypatch).on(accounts, "end_sessions")
    tally = Tally("LogoutForm", backend(app))
    address = users.controller_a.email
    app.test_client_class = FreshContextClient

    @EXAMPLES
    @given(extra=st.dictionaries(st.sampled_from(["next", "x", "csrf", "language"]), free_text(40), max_size=3))
    def run(extra):
        with isolated():
            client = app.test_client()
            assert client.post("/login", data={"email": address, "password": PASSWORD}).status_code == 302
            calls = spy.calls
            response = client.post("/logout", data=extra)
            drive(
                response,
                {},
                tally,
                spy.calls > calls,
                True,
                lambda: response.status_code == 302 and client.get("/portal/").status_code == 302,
            )

    run()
    tally.assert_real_share()


def test_the_password_form(fuzz_day, app, users, monkeypatch):
    spy = Spy(monkeypatch).on(accounts, "change_password")
    tally = Tally("PasswordForm", backend(app))
    address, user_id = users.controller_a.email, users.controller_a.id
    app.test_client_class = FreshContextClient
    new = st.sampled_from(STRONG)
    wrong = st.sampled_from(["not it", PASSWORD.upper()]).map(lambda value: Value(value, REFUSED))
    fields = {
        "current_password": Field(
            st.just(Value(PASSWORD)), st.one_of(wrong, text(200, valid=st.just(PASSWORD), secret=True).attack)
        ),
        "new_password": Field(
            new.map(Value),
            st.one_of(
                st.sampled_from(["short", ""]).map(lambda value: Value(value, REFUSED)),
                text(200, valid=new, secret=True, inert_refused=False).attack,
            ),
        ),
    }

    @EXAMPLES
    @given(values=example(fields), repeat_differs=st.integers(0, 9))
    def run(values, repeat_differs):
        values = dict(
            values,
            repeat_password=Value(
                values["new_password"].raw + ("!" if repeat_differs == 0 else ""),
                REFUSED if repeat_differs == 0 else OK,
            ),
        )
        with isolated():
            client = app.test_client()
            assert client.post("/login", data={"email": address, "password": PASSWORD}).status_code == 302
            calls, before = spy.calls, db.session.get(User, user_id).password_hash
            response = client.post("/account/password", data=form_data(values))
            db.session.expire_all()
            after = db.session.get(User, user_id)
            drive(
                response,
                values,
                tally,
                spy.calls > calls,
                after.password_hash == before,
                lambda: response.status_code == 302 and after.check_password(values["new_password"].raw),
            )

    run()
    tally.assert_real_share()


def test_the_language_switch(fuzz_day, app, client, users, login, monkeypatch):
    """Not a form class, but a POST on every page: a language and a page to return to."""
    login(users.controller_a)
    spy = Spy(monkeypatch).on(accounts, "set_language")
    tally = Tally("language switch", backend(app))
    user_id = users.controller_a.id
    fields = {
        "language": choice(["nl", "en"], ["de", "", "NL", "nl\x00", "en\u202e"], checked_by_form=False),
        "next": Field(
            st.sampled_from(["/portal/", "/processors/vcare/?at=2026-11-01", "/"]).map(Value),
            st.sampled_from(["https://evil.example/", "//evil.example", "/\x00", "\\\\evil", "/portal/\u202e"]).map(
                lambda value: Value(value, OK)
            ),
        ),
    }

    @EXAMPLES
    @given(values=example(fields))
    def run(values):
        with isolated():
            calls = spy.calls
            response = client.post("/language", data=form_data(values))
            location = response.headers.get("Location", "")
            # Only a path on this site is followed; anything else sends the reader home.
            assert response.status_code == 302 and location.startswith("/") and not location.startswith("//")
            language = db.session.scalar(select(User.language).filter_by(id=user_id))
            chosen = values["language"].raw
            tally.run += 1
            tally.reached += spy.calls > calls
            if values["language"].verdict == OK:
                tally.valid += 1
                assert language == chosen and f"language={chosen}" in " ".join(response.headers.getlist("Set-Cookie"))
                tally.succeeded += 1
            else:
                assert "language=" not in " ".join(response.headers.getlist("Set-Cookie"))

    run()
    tally.assert_real_share()


# Subscriptions ----------------------------------------------------------------------------------------------


def scope_fields(service_ids: list[int]) -> dict[str, Field]:
    return {
        "language": choice(["en", "nl"], ["de", "", "EN"]),
        "service_ids": several(st.one_of(st.just([]), subsets(service_ids)), BOGUS_IDS + other_ids(Service)),
    }


def test_the_subscription_form(fuzz_day, app, client, monkeypatch):
    spy = Spy(monkeypatch).on(subscriptions, "subscribe")
    tally = Tally("SubscribeForm", backend(app))
    fields = {
        "email": text(254, required=True, valid=st.sampled_from(EMAILS)),
        **scope_fields(ids_of(Service, processor_id=vcare().id)),
    }

    @EXAMPLES
    @given(values=example(fields))
    def run(values):
        with isolated():
            before, calls = count(Subscription), spy.calls
            response = client.post("/processors/vcare/subscribe", data=form_data(values))
            address = values["email"].raw.lower()
            drive(
                response,
                values,
                tally,
                spy.calls > calls,
                count(Subscription) == before,
                lambda: (
                    response.status_code == 200
                    and "Check your mail" in response.get_data(as_text=True)
                    and db.session.scalar(select(Subscription).filter_by(email=address)).status == "pending"
                ),
            )

    run()
    tally.assert_real_share()


def confirmed_subscription() -> Subscription:
    subscriptions.subscribe(vcare(), "reader@example.org", "en", [])
    sub = db.session.scalar(select(Subscription).filter_by(email="reader@example.org"))
    subscriptions.confirm(subscriptions.confirmation_token(sub))
    return sub


def test_the_subscription_scope_form(fuzz_day, app, client, monkeypatch):
    spy = Spy(monkeypatch).on(subscriptions, "update_scope")
    tally = Tally("ScopeForm", backend(app))
    sub = confirmed_subscription()
    token, sub_id = sub.token, sub.id
    fields = scope_fields(ids_of(Service, processor_id=vcare().id))

    @EXAMPLES
    @given(values=example(fields))
    def run(values):
        with isolated():
            calls = spy.calls
            response = client.post(f"/subscriptions/{token}/", data=form_data(values))
            db.session.expire_all()
            sub = db.session.get(Subscription, sub_id)
            drive(
                response,
                values,
                tally,
                spy.calls > calls,
                (sub.language, sub.all_services) == ("en", True),
                lambda: (
                    response.status_code == 200
                    and sub.language == values["language"].raw
                    and sorted(s.id for s in sub.services) == sorted(int(i) for i in values["service_ids"].raw)
                ),
            )

    run()
    tally.assert_real_share()


def test_the_one_click_unsubscribe(fuzz_day, app, client, monkeypatch):
    spy = Spy(monkeypatch).on(subscriptions, "unsubscribe")
    tally = Tally("unsubscribe (RFC 8058)", backend(app))
    sub = confirmed_subscription()
    token, sub_id = sub.token, sub.id
    tokens = Field(
        st.just(Value(token)),
        st.one_of(
            st.sampled_from([token[:-1], token + "x", token.upper(), "0"]).map(lambda t: Value(t, REFUSED)),
            st.sampled_from(["\x00", "\u202e", "\x1b"]).map(lambda c: Value(token[:5] + c + token[5:], FORM)),
        ),
    )

    @EXAMPLES
    @given(values=example({"token": tokens, "List-Unsubscribe": fixed("One-Click")}))
    def run(values):
        with isolated():
            calls = spy.calls
            response = client.post(
                f"/subscriptions/{values['token'].raw}/unsubscribe", data={"List-Unsubscribe": "One-Click"}
            )
            db.session.expire_all()
            status = db.session.get(Subscription, sub_id).status
            drive(
                response,
                values,
                tally,
                spy.calls > calls,
                status == "confirmed",
                lambda: response.status_code == 200 and status == "unsubscribed",
                refusals=(404, 405),
            )

    run()
    tally.assert_real_share()


def test_the_confirmation_button(fuzz_day, app, client, monkeypatch):
    """The page the mailed link opens posts back to its own address: the signed link is the only input."""
    spy = Spy(monkeypatch).on(subscriptions, "confirm")
    tally = Tally("confirm (double opt-in)", backend(app))
    subscriptions.subscribe(vcare(), "pending@example.org", "en", [])
    sub = db.session.scalar(select(Subscription).filter_by(email="pending@example.org"))
    signed, sub_id = subscriptions.confirmation_token(sub), sub.id
    links = Field(
        st.just(Value(signed)),
        st.one_of(
            st.sampled_from(
                [signed[:-1], signed[:-2] + ("A" if signed[-2] != "A" else "B") + signed[-1], "0", signed.split(".")[0]]
            ).map(lambda t: Value(t, REFUSED)),
            st.sampled_from(["\x00", "\u202e", "\x1b"]).map(lambda c: Value(signed[:5] + c + signed[5:], FORM)),
        ),
    )

    @EXAMPLES
    @given(values=example({"signed": links}))
    def run(values):
        with isolated():
            calls = spy.calls
            response = client.post(f"/subscriptions/confirm/{values['signed'].raw}")
            db.session.expire_all()
            status = db.session.get(Subscription, sub_id).status
            drive(
                response,
                values,
                tally,
                spy.calls > calls,
                status == "pending",
                lambda: response.status_code == 200 and status == "confirmed",
                refusals=(400, 404),
            )

    run()
    tally.assert_real_share()


# Every POST is fuzzed -----------------------------------------------------------------------------------------

FUZZED = {
    "auth.login": "test_random_input.test_the_login_form",
    "auth.logout": "test_random_input.test_the_logout_form",
    "auth.change_password": "test_random_input.test_the_password_form",
    "auth.forgot_password": "test_random_password_reset.test_the_forgotten_password_form",
    "auth.reset_password": "test_random_password_reset.test_the_new_password_form",
    "auth.invitation": "test_random_invitations.test_the_accept_form",
    "auth.login_second_factor": "test_random_two_factor.test_the_second_login_step",
    "auth.two_factor_setup": "test_random_two_factor.test_the_set_up_form",
    "auth.two_factor_disable": "test_random_two_factor.test_the_change_forms",
    "auth.two_factor_recovery_codes": "test_random_two_factor.test_the_change_forms",
    "auth.ask_invitation": "test_random_invitations.test_the_ask_form",
    "i18n.switch": "test_random_input.test_the_language_switch",
    "subscriptions.subscribe": "test_random_input.test_the_subscription_form",
    "subscriptions.manage": "test_random_input.test_the_subscription_scope_form",
    "subscriptions.unsubscribe": "test_random_input.test_the_one_click_unsubscribe",
    "subscriptions.confirm": "test_random_input.test_the_confirmation_button",
    "admin.edit_service": "test_random_registry.test_the_service_form",
    "admin.edit_terms": "test_random_registry.test_the_terms_form",
    "admin.edit_contract": "test_random_registry.test_the_contract_form",
    "admin.contract_import": "test_random_contract_import.test_the_contract_upload",
    "admin.confirm_contract_import": "test_random_contract_import.test_the_contract_import_confirmation",
    "admin.new_processor": "test_random_onboarding.test_the_processor_form",
    "admin.edit_profile": "test_random_onboarding.test_the_profile_form",
    "admin.edit_face": "test_random_onboarding.test_the_face_forms",
    "admin.remove_logo": "test_random_onboarding.test_the_face_forms",
    "admin.disable_user": "test_random_onboarding.test_the_account_state_forms",
    "admin.enable_user": "test_random_onboarding.test_the_account_state_forms",
    "admin.invite": "test_random_invitations.test_the_invitation_form",
    "admin.preview_import": "test_random_imports.test_the_import_upload_form",
    "admin.confirm_import": "test_random_imports.test_the_import_confirmation",
    "admin.revoke_invitation": "test_random_invitations.test_the_revoke_form",
    "admin.resend_invitation": "test_random_invitations.test_the_resend_form",
    "admin.invite_controller": "test_random_invitations.test_the_controller_invitation_form",
    "admin.edit_announcement": "test_random_registry.test_the_announcement_form",
    "admin.publish": "test_random_registry.test_the_publish_form",
    "admin.withdraw": "test_random_registry.test_the_withdraw_form",
    "admin.delete_announcement": "test_random_announcement_deletion.test_the_delete_button",
    "admin.objection_message": "test_random_objections.test_the_consultation_message_form",
    "admin.objection_outcome": "test_random_objections.test_the_outcome_form",
    "portal.object_to": "test_random_objections.test_the_objection_form",
    "portal.objection_message": "test_random_objections.test_the_consultation_message_form",
    "portal.decide": "test_random_objections.test_the_consent_form",
    "portal.termination": "test_random_objections.test_the_termination_form",
    "portal.invite_colleague": "test_random_invitations.test_the_colleague_invitation_form",
    "portal.revoke_colleague_invitation": "test_random_invitations.test_the_colleague_invitation_buttons",
    "portal.resend_colleague_invitation": "test_random_invitations.test_the_colleague_invitation_buttons",
    "portal.create_calendar": "test_random_calendar.test_the_calendar_buttons",
    "portal.renew_calendar": "test_random_calendar.test_the_calendar_buttons",
    "portal.revoke_calendar": "test_random_calendar.test_the_calendar_buttons",
    "admin.create_token": "test_random_api_tokens.test_the_token_form",
    "admin.revoke_token": "test_random_api_tokens.test_the_revoke_button",
    "api.announcement_create": "test_random_api_tokens.test_the_draft_api",
    "api.announcement_publish": "test_random_api_tokens.test_the_publish_api",
    "portal.create_webhook": "test_random_webhooks.test_the_endpoint_form",
    "admin.create_webhook": "test_random_webhooks.test_the_endpoint_form",
    "portal.verify_webhook": "test_random_webhooks.test_the_endpoint_buttons",
    "portal.resume_webhook": "test_random_webhooks.test_the_endpoint_buttons",
    "portal.remove_webhook": "test_random_webhooks.test_the_endpoint_buttons",
    "admin.verify_webhook": "test_random_webhooks.test_the_endpoint_buttons",
    "admin.resume_webhook": "test_random_webhooks.test_the_endpoint_buttons",
    "admin.remove_webhook": "test_random_webhooks.test_the_endpoint_buttons",
    "subscriptions.create_webhook": "test_random_webhooks.test_the_endpoint_form",
    "subscriptions.verify_webhook": "test_random_webhooks.test_the_endpoint_buttons",
    "subscriptions.resume_webhook": "test_random_webhooks.test_the_endpoint_buttons",
    "subscriptions.remove_webhook": "test_random_webhooks.test_the_endpoint_buttons",
}


def test_every_route_that_takes_a_post_has_its_fuzz_test(app):
    posts = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    assert posts == set(FUZZED), f"fuzz these too: {sorted(posts - set(FUZZED))}"
    for name in FUZZED.values():
        module, test = name.split(".")
        assert callable(getattr(importlib.import_module(f"{__package__}.{module}"), test)), name


def test_ids_beyond_what_a_database_holds_are_404(client, users, login):
    login(users.controller_a)
    for url in [
        "/portal/objections/99999999999999/",
        "/processors/vcare/changes/99999999999999/",
        "/portal/contracts/4294967296/",
    ]:
        assert client.get(url).status_code == 404
    assert client.get("/processors/vcare/changes/", query_string={"page": "¹"}).status_code == 400
    assert client.get("/processors/vcare/compare", query_string={"from": "1", "to": str(10**12)}).status_code == 400
