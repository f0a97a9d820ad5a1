"""Property-based, like test_random_invitations.py: the "Accept" button of an existing account (a POST to
/invitations/<token> with only the CSRF token), logged in as the invited controller user, whose organisation takes
in a second processor's customer of no users. What is fuzzed: whatever else a browser sends, and whether the
invitation was revoked first (then nothing changes)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from registry.accounts import invitations, joining
from registry.extensions import db
from registry.mail import invitations as invitation_mail
from registry.models import CustomerContract, Organisation, User

from ..conftest import FreshContextClient
from ..factories import PASSWORD
from .fuzz import EXAMPLES, INERT, Spy, Tally, drive, isolated
from .seeded import backend
from .test_invitation_join import processor, vtm_contract_of_a_new_organisation


def test_the_join_button(fuzz_day, app, users, monkeypatch):
    contract = vtm_contract_of_a_new_organisation(users.vtm_editor)
    made = invitation_mail.invite_controller(users.vtm_editor, contract, users.controller_a.email)
    link = "/invitations/" + invitations.invitation_token(made)
    contract_id, y_id, x_id, invitation_id = (
        contract.id,
        contract.organisation_id,
        users.controller_a.organisation_id,
        made.id,
    )
    editor_id, email = users.vtm_editor.id, users.controller_a.email
    spy = Spy(monkeypatch).on(joining, "join")
    tally = Tally("JoinForm", backend(app))
    app.test_client_class = FreshContextClient

    @EXAMPLES
    @given(
        revoked_first=st.integers(0, 4),
        extra=st.dictionaries(
            st.sampled_from(["x", "email", "organisation_id", "new_password"]), st.sampled_from(INERT), max_size=2
        ),
    )
    def run(revoked_first, extra):
        with isolated():
            if revoked_first == 0:
                invitations.revoke(db.session.get(User, editor_id), processor("vtm"), invitation_id)
            client = app.test_client()
            assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
            calls = spy.calls
            response = client.post(link, data=extra)

            db.session.expire_all()
            moved = db.session.get(CustomerContract, contract_id).organisation_id
            if revoked_first == 0:  # the link is dead: refused before the button's service, nothing moved
                tally.run += 1
                assert response.status_code == 400 and moved == y_id and spy.calls == calls
                return
            drive(
                response,
                {},
                tally,
                spy.calls > calls,
                True,
                lambda: (
                    response.status_code == 302
                    and response.headers["Location"] == "/portal/"
                    and moved == x_id
                    and db.session.get(Organisation, y_id) is None
                ),
            )

    run()
    tally.assert_real_share()
