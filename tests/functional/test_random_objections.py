"""Property-based: every form of the portal, posted as a browser would, with mostly valid values (real choices
from the seeded database, dates that keep the notice periods) and, in some examples, one or two fields attacked
with hostile text. Each value knows by construction what the portal must do with it (fuzz.py): the form refuses
control and direction characters and over-long values with a message on the field that keeps the text, and the
service never runs; a value the domain refuses changes nothing; every other example is taken. Never a 5xx.
Each example runs in a savepoint that is rolled back; the figures of each form go to test-artifacts/.

This module: objections, the consultation on both sides, its outcome, consent and notice of termination."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from registry.cases import consents, objections, terminations
from registry.extensions import db
from registry.models import AuditEntry, ConsentDecision, Objection, ObjectionMessage, Service, Termination

from .fuzz import (
    EXAMPLES,
    INERT,
    REFUSED,
    Field,
    Spy,
    Tally,
    Value,
    choice,
    drive,
    example,
    form_data,
    isolated,
    several,
    text,
)
from .portal import US, announce, contract, objection_form
from .seeded import BOGUS_IDS, DAY, backend, count, other_ids, subsets, vcare

# Objections, consultation, consent, termination -------------------------------------------------------------


def an_objection(client, users, login) -> int:
    item = announce(users.vcare_editor, days=60)
    login(users.controller_a)
    assert (
        client.post(
            f"/portal/contracts/{contract().id}/announcements/{item.id}/objection",
            data=objection_form(item, contract()),
        ).status_code
        == 302
    )
    client.post("/logout")
    return db.session.scalar(select(Objection.id))


def test_the_objection_form(fuzz_day, app, client, users, login, monkeypatch):
    item = announce(users.vcare_editor, days=60)
    vc = contract()
    url = f"/portal/contracts/{vc.id}/announcements/{item.id}/objection"
    login(users.controller_a)
    spy = Spy(monkeypatch).on(objections, "submit")
    tally = Tally("ObjectionForm", backend(app))
    affected = [s.id for s in item.services if s in vc.services]
    fields = {
        "announcement_id": choice([str(item.id)], ["0", str(item.id + 1), "", "x"], checked_by_form=False),
        "contract_id": choice([str(vc.id)], ["0", str(vc.id + 1), ""], checked_by_form=False),
        "service_ids": several(subsets(affected), BOGUS_IDS + other_ids(Service)),
        "grounds": text(objections.MAX_TEXT, multi_line=True, required=True, least_words=5),
    }
    # The hidden ids are the site's own: a changed one is the "changed after the site sent it" answer, not a
    # field message, so the plain-text markers do not apply to them.
    for name in ("announcement_id", "contract_id"):
        fields[name] = Field(fields[name].valid, fields[name].attack.map(lambda v: Value(v.raw, REFUSED)))

    @EXAMPLES
    @given(values=example(fields))
    def run(values):
        with isolated():
            before, calls = count(Objection, AuditEntry), spy.calls
            response = client.post(url, data=form_data(values))
            made = db.session.scalar(select(Objection))
            drive(
                response,
                values,
                tally,
                spy.calls > calls,
                count(Objection, AuditEntry) == before,
                lambda: response.status_code == 302 and made.grounds == values["grounds"].raw.strip(),
            )

    run()
    tally.assert_real_share()


@pytest.mark.parametrize("side", ["controller", "processor"])
def test_the_consultation_message_form(fuzz_day, app, client, users, login, monkeypatch, side):
    objection_id = an_objection(client, users, login)
    login(users.controller_a if side == "controller" else users.vcare_editor)
    url = (
        f"/portal/objections/{objection_id}/messages"
        if side == "controller"
        else f"/admin/processors/vcare/objections/{objection_id}/messages"
    )
    spy = Spy(monkeypatch).on(objections, "add_message")
    tally = Tally(f"MessageForm ({side})", backend(app))

    @EXAMPLES
    @given(values=example({"body": text(objections.MAX_TEXT, multi_line=True, required=True)}))
    def run(values):
        with isolated():
            before, calls = count(ObjectionMessage, AuditEntry), spy.calls
            response = client.post(url, data=form_data(values))
            made = db.session.scalar(select(ObjectionMessage))
            drive(
                response,
                values,
                tally,
                spy.calls > calls,
                count(ObjectionMessage, AuditEntry) == before,
                lambda: response.status_code == 302 and made.body == values["body"].raw.strip() and made.side == side,
            )

    run()
    tally.assert_real_share()


def test_the_outcome_form(fuzz_day, app, client, users, login, monkeypatch):
    objection_id = an_objection(client, users, login)
    login(users.vcare_editor)
    spy = Spy(monkeypatch).on(objections, "record_outcome")
    tally = Tally("OutcomeForm", backend(app))
    fields = {
        "outcome": choice(list(objections.OUTCOMES), ["", "won", "AGREEMENT"], checked_by_form=False),
        "note": text(objections.MAX_TEXT, multi_line=True, required=True),
    }

    @EXAMPLES
    @given(values=example(fields))
    def run(values):
        with isolated():
            calls = spy.calls
            response = client.post(f"/admin/processors/vcare/objections/{objection_id}/outcome", data=form_data(values))
            saved = db.session.get(Objection, objection_id)
            drive(
                response,
                values,
                tally,
                spy.calls > calls,
                saved.outcome is None,
                lambda: (
                    response.status_code == 302
                    and (saved.outcome, saved.outcome_note) == (values["outcome"].raw, values["note"].raw.strip())
                ),
            )

    run()
    tally.assert_real_share()


def test_the_consent_form(fuzz_day, app, client, users, login, monkeypatch):
    item = announce(users.vcare_editor, locations=US, days=60)  # Vcare art. 5.3: outside the EEA needs consent
    vc = contract()
    url = f"/portal/contracts/{vc.id}/announcements/{item.id}/consent"
    login(users.controller_a)
    spy = Spy(monkeypatch).on(consents, "decide")
    tally = Tally("ConsentForm", backend(app))
    fields = {
        "announcement_id": Field(st.just(Value(str(item.id))), st.just(Value("0", REFUSED))),
        "contract_id": Field(st.just(Value(str(vc.id))), st.just(Value(f"{vc.id}\x00", REFUSED))),
        "decision": choice(["granted", "refused"], ["", "maybe", "GRANTED"], checked_by_form=False),
        "note": text(consents.MAX_TEXT, multi_line=True),
    }

    @EXAMPLES
    @given(values=example(fields))
    def run(values):
        with isolated():
            before, calls = count(ConsentDecision, AuditEntry), spy.calls
            response = client.post(url, data=form_data(values))
            made = db.session.scalar(select(ConsentDecision))
            drive(
                response,
                values,
                tally,
                spy.calls > calls,
                count(ConsentDecision, AuditEntry) == before,
                lambda: (
                    response.status_code == 302
                    and made.decision == values["decision"].raw
                    and (made.note or "") == values["note"].raw.strip()
                ),
            )

    run()
    tally.assert_real_share()


def test_the_termination_form(fuzz_day, app, client, users, login, monkeypatch):
    objection_id = an_objection(client, users, login)
    objections.record_outcome(users.vcare_editor, vcare(), objection_id, "no_agreement", "We keep Acme Cloud.")
    login(users.controller_a)
    spy = Spy(monkeypatch).on(terminations, "give_notice")
    tally = Tally("TerminationForm", backend(app))
    # A box: any value but "" and "false" ticks it, so hostile text there confirms as "y" does.
    confirm = Field(
        st.sampled_from(["y", "on", "1"]).map(Value),
        st.one_of(
            st.sampled_from(["", "false"]).map(lambda v: Value(v, REFUSED)),
            st.sampled_from(INERT + ["\x00"]).map(Value),
        ),
    )

    @EXAMPLES
    @given(values=example({"confirm": confirm}))
    def run(values):
        with isolated():
            before, calls = count(Termination, AuditEntry), spy.calls
            response = client.post(f"/portal/objections/{objection_id}/termination", data=form_data(values))
            made = db.session.scalar(select(Termination))
            drive(
                response,
                values,
                tally,
                spy.calls > calls,
                count(Termination, AuditEntry) == before,
                lambda: response.status_code == 302 and made is not None and made.given_on == DAY,
            )

    run()
    tally.assert_real_share()
