"""Property-based, like test_random_onboarding.py: the forms of an invitation (invite an editor, revoke an
invitation, accept one with a password), posted as a browser would, some examples with hostile text. Never a
5xx; what the form or the domain refuses changes nothing; every other example is taken."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from registry.accounts import colleagues, invitations, joining
from registry.extensions import db
from registry.mail import invitations as invitation_mail
from registry.models import AuditEntry, CustomerContract, Invitation, OutboxMessage, Processor, User

from ..conftest import FreshContextClient
from .fuzz import EXAMPLES, INERT, OK, REFUSED, Field, Spy, Tally, Value, drive, example, form_data, isolated, text
from .seeded import EMAILS, backend, count

STRONG = ["umbrella Quartz 93 lantern", "kX9#mP2$vL7@qR4zT", "seven otters juggle 42 plums"]
INVITEE = "nieuw@vcare.example.org"


def _vcare() -> Processor:
    return db.session.scalar(select(Processor).filter_by(slug="vcare"))


def test_the_invitation_form(fuzz_day, app, client, users, login, monkeypatch):
    login(users.vcare_editor)
    spy = Spy(monkeypatch).on(invitation_mail, "invite")
    tally = Tally("InviteForm", backend(app))
    fields = {"email": text(254, required=True, valid=st.sampled_from(EMAILS))}

    @EXAMPLES
    @given(values=example(fields))
    def run(values):
        with isolated():
            before, calls = count(Invitation, OutboxMessage, AuditEntry), spy.calls
            response = client.post("/admin/processors/vcare/users/invite", data=form_data(values))

            def invited() -> bool:
                address = values["email"].raw.strip().lower()
                made = db.session.scalar(select(Invitation).where(func.lower(Invitation.email) == address))
                return (
                    response.status_code == 302
                    and made is not None
                    and made.processor.slug == "vcare"
                    and count(Invitation, OutboxMessage, AuditEntry) == tuple(n + 1 for n in before)
                )

            drive(
                response,
                values,
                tally,
                spy.calls > calls,
                count(Invitation, OutboxMessage, AuditEntry) == before,
                invited,
            )

    run()
    tally.assert_real_share()


def test_the_controller_invitation_form(fuzz_day, app, client, users, login, monkeypatch):
    """The contract page's form: invite the customer's privacy officer to the contract's organisation."""
    contract = db.session.scalar(select(CustomerContract).where(CustomerContract.reference.like("VC-%")))
    contract_id, organisation_id = contract.id, contract.organisation_id
    login(users.vcare_editor)
    spy = Spy(monkeypatch).on(invitation_mail, "invite_controller")
    tally = Tally("ControllerInviteForm", backend(app))
    fields = {"email": text(254, required=True, valid=st.sampled_from(EMAILS))}

    @EXAMPLES
    @given(values=example(fields))
    def run(values):
        with isolated():
            before, calls = count(Invitation, OutboxMessage, AuditEntry), spy.calls
            response = client.post(f"/admin/processors/vcare/contracts/{contract_id}/invite", data=form_data(values))

            def invited() -> bool:
                address = values["email"].raw.strip().lower()
                made = db.session.scalar(select(Invitation).where(func.lower(Invitation.email) == address))
                return (
                    response.status_code == 302
                    and (made.role, made.organisation_id) == ("controller", organisation_id)
                    and count(Invitation, OutboxMessage, AuditEntry) == tuple(n + 1 for n in before)
                )

            drive(
                response,
                values,
                tally,
                spy.calls > calls,
                count(Invitation, OutboxMessage, AuditEntry) == before,
                invited,
            )

    run()
    tally.assert_real_share()


def test_the_colleague_invitation_form(fuzz_day, app, client, users, login, monkeypatch):
    """/portal/colleagues/: a controller user invites a colleague to its own organisation."""
    login(users.controller_a)
    organisation_id = users.controller_a.organisation_id
    spy = Spy(monkeypatch).on(invitation_mail, "invite_colleague")
    tally = Tally("ColleagueInviteForm", backend(app))
    fields = {"email": text(254, required=True, valid=st.sampled_from(EMAILS))}

    @EXAMPLES
    @given(values=example(fields))
    def run(values):
        with isolated():
            before, calls = count(Invitation, OutboxMessage, AuditEntry), spy.calls
            response = client.post("/portal/colleagues/invite", data=form_data(values))

            def invited() -> bool:
                address = values["email"].raw.strip().lower()
                made = db.session.scalar(select(Invitation).where(func.lower(Invitation.email) == address))
                return (
                    response.status_code == 302
                    and (made.role, made.organisation_id, made.processor_id) == ("controller", organisation_id, None)
                    and count(Invitation, OutboxMessage, AuditEntry) == tuple(n + 1 for n in before)
                )

            drive(
                response,
                values,
                tally,
                spy.calls > calls,
                count(Invitation, OutboxMessage, AuditEntry) == before,
                invited,
            )

    run()
    tally.assert_real_share()


def test_the_colleague_invitation_buttons(fuzz_day, app, client, users, login, monkeypatch):
    """Revoke and re-send on /portal/colleagues/: only the CSRF token; what is fuzzed is the way, the state the
    invitation is in, and whatever else a browser sends."""
    invitation_id = invitation_mail.invite_colleague(users.controller_a, "collega@praktijk-x.example.org", "en").id
    controller_id = users.controller_a.id
    login(users.controller_a)
    spy = Spy(monkeypatch).on(colleagues, "revoke").on(invitation_mail, "resend_to_colleague")
    tally = Tally("InvitationActionForm", backend(app))

    @EXAMPLES
    @given(
        way=st.sampled_from(["revoke", "resend"]),
        revoked_first=st.booleans(),
        extra=st.dictionaries(st.sampled_from(["x", "email", "organisation_id"]), st.sampled_from(INERT), max_size=2),
    )
    def run(way, revoked_first, extra):
        with isolated():
            if revoked_first:
                colleagues.revoke(db.session.get(User, controller_id), invitation_id)
            nonce, calls = db.session.get(Invitation, invitation_id).nonce, spy.calls
            response = client.post(f"/portal/colleagues/invitations/{invitation_id}/{way}", data=extra)

            def done() -> bool:
                db.session.expire_all()
                invitation = db.session.get(Invitation, invitation_id)
                if way == "revoke":
                    return response.status_code == 302 and invitation.revoked_at is not None
                return response.status_code == 302 and (invitation.nonce != nonce) == (not revoked_first)

            drive(response, {}, tally, spy.calls > calls, True, done)

    run()
    tally.assert_real_share()


def test_the_revoke_form(fuzz_day, app, client, users, login, monkeypatch):
    """Only the CSRF token: what is fuzzed is whatever else a browser sends, and an invitation revoked before."""
    invitation_id, admin_id = invitation_mail.invite(users.admin, _vcare(), INVITEE, "en").id, users.admin.id
    login(users.vcare_editor)
    spy = Spy(monkeypatch).on(invitations, "revoke")
    tally = Tally("RevokeInvitationForm", backend(app))

    @EXAMPLES
    @given(
        revoked_first=st.booleans(),
        extra=st.dictionaries(st.sampled_from(["x", "email", "csrf"]), st.sampled_from(INERT), max_size=2),
    )
    def run(revoked_first, extra):
        with isolated():
            if revoked_first:
                invitations.revoke(db.session.get(User, admin_id), _vcare(), invitation_id)
            calls = spy.calls
            url = f"/admin/processors/vcare/users/invitations/{invitation_id}/revoke"
            response = client.post(url, data=extra)

            def done() -> bool:
                db.session.expire_all()
                return response.status_code == 302 and db.session.get(Invitation, invitation_id).revoked_at is not None

            drive(response, {}, tally, spy.calls > calls, True, done)

    run()
    tally.assert_real_share()


def test_the_resend_form(fuzz_day, app, client, users, login, monkeypatch):
    """Only the CSRF token: what is fuzzed is whatever else a browser sends, and the state the invitation is in."""
    invitation_id, admin_id = invitation_mail.invite(users.admin, _vcare(), INVITEE, "en").id, users.admin.id
    login(users.vcare_editor)
    spy = Spy(monkeypatch).on(invitation_mail, "resend")
    tally = Tally("ResendInvitationForm", backend(app))

    @EXAMPLES
    @given(
        revoked_first=st.integers(0, 3),
        extra=st.dictionaries(st.sampled_from(["x", "email", "nonce"]), st.sampled_from(INERT), max_size=2),
    )
    def run(revoked_first, extra):
        with isolated():
            if revoked_first == 0:
                invitations.revoke(db.session.get(User, admin_id), _vcare(), invitation_id)
            nonce, calls, mailed = db.session.get(Invitation, invitation_id).nonce, spy.calls, count(OutboxMessage)
            response = client.post(f"/admin/processors/vcare/users/invitations/{invitation_id}/resend", data=extra)

            def done() -> bool:
                db.session.expire_all()
                renewed = db.session.get(Invitation, invitation_id).nonce != nonce
                return response.status_code == 302 and renewed == (revoked_first != 0)

            drive(response, {}, tally, spy.calls > calls, True, done)
            assert count(OutboxMessage)[0] == mailed[0] + (revoked_first != 0)

    run()
    tally.assert_real_share()


def test_the_ask_form(fuzz_day, app, users, monkeypatch):
    """Only the CSRF token, from the page of a link: what is fuzzed is whatever else a browser sends, and whether
    the link still works (then nobody is asked) or was revoked (then the inviter is)."""
    made = invitation_mail.invite(users.vcare_editor, _vcare(), INVITEE, "en")
    invitation_id, link, admin_id = made.id, "/invitations/" + invitations.invitation_token(made), users.admin.id
    spy = Spy(monkeypatch).on(invitation_mail, "ask_again")
    tally = Tally("AskInvitationForm", backend(app))
    app.test_client_class = FreshContextClient

    @EXAMPLES
    @given(
        revoked_first=st.booleans(),
        extra=st.dictionaries(st.sampled_from(["x", "email", "signed"]), st.sampled_from(INERT), max_size=2),
    )
    def run(revoked_first, extra):
        with isolated():
            if revoked_first:
                invitations.revoke(db.session.get(User, admin_id), _vcare(), invitation_id)
            client, calls, before = app.test_client(), spy.calls, count(OutboxMessage, AuditEntry)
            response = client.post(link + "/ask", data=extra)

            def done() -> bool:
                if not revoked_first:  # the link still works: refused, nobody asked
                    return response.status_code == 400 and count(OutboxMessage, AuditEntry) == before
                asked = db.session.scalar(select(OutboxMessage).filter_by(kind="invitation_request"))
                return (
                    response.status_code == 200
                    and asked.recipient == "ed@vcare.example.org"
                    and count(OutboxMessage, AuditEntry) == tuple(n + 1 for n in before)
                )

            drive(response, {}, tally, spy.calls > calls, True, done)

    run()
    tally.assert_real_share()


def test_the_accept_form(fuzz_day, app, users, monkeypatch):
    spy = Spy(monkeypatch).on(joining, "accept")
    tally = Tally("AcceptInvitationForm", backend(app))
    link = "/invitations/" + invitations.invitation_token(invitation_mail.invite(users.admin, _vcare(), INVITEE, "en"))
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
            response = client.post(link, data=form_data(values))
            db.session.expire_all()
            made = db.session.scalar(select(User).filter_by(email=INVITEE))
            drive(
                response,
                values,
                tally,
                spy.calls > calls,
                made is None,
                lambda: (
                    response.status_code == 302
                    and response.headers["Location"] == "/admin/"
                    and made.role == "editor"
                    and made.check_password(values["new_password"].raw)
                ),
            )

    run()
    tally.assert_real_share()
