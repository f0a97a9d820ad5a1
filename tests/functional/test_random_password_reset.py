"""Property-based, like test_random_input.py: the two forms of a password reset, posted as a browser would with
mostly valid values and sometimes a hostile field; never a 5xx, a refused value changes nothing, a valid one
is taken."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from registry.extensions import db
from registry.mail import password_reset
from registry.models import OutboxMessage, User

from ..conftest import FreshContextClient
from ..factories import PASSWORD
from .fuzz import EXAMPLES, OK, REFUSED, Field, Spy, Tally, Value, drive, example, form_data, isolated, text
from .seeded import EMAILS, backend, count

STRONG = ["umbrella Quartz 93 lantern", "kX9#mP2$vL7@qR4zT", "seven otters juggle 42 plums"]


def test_the_forgotten_password_form(fuzz_day, app, users, monkeypatch):
    """Known and unknown addresses get the same page; only a known one queues a mail."""
    spy = Spy(monkeypatch).on(password_reset, "request_reset")
    tally = Tally("ForgotPasswordForm", backend(app))
    known = users.controller_a.email
    app.test_client_class = FreshContextClient
    fields = {"email": text(254, required=True, valid=st.sampled_from([known, known.upper(), *EMAILS]))}

    @EXAMPLES
    @given(values=example(fields))
    def run(values):
        with isolated():
            client, calls, [before] = app.test_client(), spy.calls, count(OutboxMessage)
            response = client.post("/password/forgot", data=form_data(values))
            queued = count(OutboxMessage)[0] - before
            drive(
                response,
                values,
                tally,
                spy.calls > calls,
                queued == 0,
                lambda: (
                    response.status_code == 200
                    and "a link to choose a new password is on its way" in response.get_data(as_text=True)
                    and queued == (values["email"].raw.lower() == known)
                ),
            )

    run()
    tally.assert_real_share()


def test_the_new_password_form(fuzz_day, app, users, monkeypatch):
    spy = Spy(monkeypatch).on(password_reset, "reset_password")
    tally = Tally("ResetPasswordForm", backend(app))
    user_id = users.controller_a.id
    link = "/password/reset/" + password_reset.reset_token(users.controller_a)
    app.test_client_class = FreshContextClient
    new = st.sampled_from(STRONG)
    fields = {
        "new_password": Field(
            new.map(Value),
            st.one_of(
                st.sampled_from(["short", "", "password1234"]).map(lambda value: Value(value, REFUSED)),
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
            client, calls = app.test_client(), spy.calls
            before = db.session.scalar(select(User.password_hash).filter_by(id=user_id))
            response = client.post(link, data=form_data(values))
            db.session.expire_all()
            after = db.session.get(User, user_id)
            drive(
                response,
                values,
                tally,
                spy.calls > calls,
                after.password_hash == before and after.check_password(PASSWORD),
                lambda: (
                    response.status_code == 302
                    and response.headers["Location"] == "/login"
                    and after.check_password(values["new_password"].raw)
                ),
            )

    run()
    tally.assert_real_share()
