"""Property-based, like test_random_input.py: the forms of two-factor sign-in (confirming the set-up, the second
log-in step, turning it off and new recovery codes), posted as a browser would with mostly valid values and
sometimes a hostile field. Never a 5xx; a refused value changes nothing; a valid one is taken.

The secret is fixed here and the clock stands at noon in Amsterdam on the fuzz day (11:00 UTC), so that the valid
code is worked out with pyotp before the examples run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from registry.accounts import two_factor
from registry.extensions import db
from registry.models import AuditEntry, RecoveryCode, User
from registry.web.auth.two_factor import SETUP

from ..conftest import FreshContextClient
from ..factories import PASSWORD
from .fuzz import EXAMPLES, INERT, REFUSED, Field, Spy, Tally, Value, drive, example, form_data, isolated, text
from .seeded import backend, count

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOON = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)  # noon in Amsterdam on the fuzz day (CET, UTC+1)


def code_at(moment: datetime) -> str:
    return pyotp.TOTP(SECRET).at(moment)


def code_field(valid: list[str]) -> Field:
    """The code: a right one, or a wrong one (refused by the domain), or text the form refuses."""
    right = set(valid)
    wrong = [c for c in ["000000", "123456", code_at(NOON - timedelta(minutes=2)), "abcde-fghij"] if c not in right]
    typed = text(40, required=True, valid=st.sampled_from(valid))
    return Field(typed.valid, st.one_of(typed.attack, st.sampled_from(wrong + INERT).map(lambda v: Value(v, REFUSED))))


def with_two_factor(user_id: int) -> list[str]:
    """Turn 2FA on for the account with the code of the step before NOON (so that NOON's is still unused)."""
    return two_factor.enable(
        db.session.get(User, user_id), two_factor.seal(SECRET), code_at(NOON - timedelta(seconds=30))
    )


def state(user_id: int) -> tuple:
    db.session.expire_all()
    user = db.session.get(User, user_id)
    codes = db.session.scalars(select(RecoveryCode.code_hash).filter_by(user_id=user_id, used_at=None)).all()
    return user.totp_enabled_at, user.totp_last_step, user.last_login_at, tuple(sorted(codes)), count(AuditEntry)


def test_the_set_up_form(fuzz_day, app, client, users, login, monkeypatch):
    login(users.controller_a)
    spy = Spy(monkeypatch).on(two_factor, "enable")
    tally = Tally("TwoFactorSetupForm", backend(app))
    user_id, sealed = users.controller_a.id, two_factor.seal(SECRET)
    fields = {"code": code_field([code_at(NOON), code_at(NOON - timedelta(seconds=30)), " " + code_at(NOON)])}

    @EXAMPLES
    @given(values=example(fields))
    def run(values):
        with isolated():
            with client.session_transaction() as session:
                session[SETUP] = sealed  # the secret the page showed
            before, calls = state(user_id), spy.calls
            response = client.post("/account/2fa/setup", data=form_data(values))
            after = state(user_id)
            drive(
                response,
                values,
                tally,
                spy.calls > calls,
                after == before,
                lambda: (
                    response.status_code == 200
                    and after[0] == NOON
                    and len(after[3]) == 10
                    and "They are shown only now." in response.get_data(as_text=True)
                ),
            )

    run()
    tally.assert_real_share()


def test_the_second_login_step(fuzz_day, app, users, monkeypatch):
    user_id, email = users.controller_a.id, users.controller_a.email
    recovery = with_two_factor(user_id)
    spy = Spy(monkeypatch).on(two_factor, "complete_login")
    tally = Tally("SecondFactorForm", backend(app))
    app.test_client_class = FreshContextClient
    fields = {
        "code": code_field([code_at(NOON), code_at(NOON + timedelta(seconds=30)), recovery[0], recovery[1].upper()])
    }

    @EXAMPLES
    @given(values=example(fields))
    def run(values):
        with isolated():
            client = app.test_client()
            first = client.post("/login", data={"email": email, "password": PASSWORD})
            assert first.headers["Location"] == "/login/2fa"
            before, calls = state(user_id), spy.calls
            response = client.post("/login/2fa", data=form_data(values))
            after = state(user_id)
            drive(
                response,
                values,
                tally,
                spy.calls > calls,
                after == before and client.get("/portal/").status_code == 302,
                lambda: (
                    response.status_code == 302
                    and response.headers["Location"] == "/portal/"
                    and after[2] == NOON
                    and client.get("/portal/").status_code == 200
                ),
                refusals=(400, 401),
            )

    run()
    tally.assert_real_share()


def test_the_change_forms(fuzz_day, app, client, users, login, monkeypatch):
    """Turning 2FA off and new recovery codes: the password and a code (of the app or a recovery code)."""
    login(users.controller_a)
    user_id = users.controller_a.id
    recovery = with_two_factor(user_id)
    spy = Spy(monkeypatch).on(two_factor, "disable").on(two_factor, "regenerate_recovery_codes")
    tally = Tally("TwoFactorChangeForm", backend(app))
    fields = {
        "password": text(200, required=True, valid=st.just(PASSWORD), secret=True),
        "code": code_field([code_at(NOON), recovery[2], recovery[3].replace("-", "")]),
    }

    @EXAMPLES
    @given(values=example(fields), action=st.sampled_from(["disable", "regenerate"]))
    def run(values, action):
        url = "/account/2fa/disable" if action == "disable" else "/account/2fa/recovery-codes"
        with isolated():
            before, calls = state(user_id), spy.calls
            response = client.post(url, data={f"{action}-{name}": raw for name, raw in form_data(values).items()})
            after = state(user_id)

            def taken() -> bool:
                if action == "disable":
                    return response.status_code == 302 and after[0] is None and after[3] == ()
                page = response.get_data(as_text=True)
                return response.status_code == 200 and len(after[3]) == 10 and "They are shown only now." in page

            drive(response, values, tally, spy.calls > calls, after == before, taken)

    run()
    tally.assert_real_share()
