"""Property-based, like test_random_invitations.py: the buttons on /portal/calendar/ (make, renew, revoke the
address), posted as a browser would with whatever else it sends, on an address that works or was revoked, of the
user's own organisation or of another. Never a 5xx; another organisation's address is a 404 and stays as it is;
every other example does what its button says (or, where there is nothing to do, changes nothing)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from registry.cases import calendar_tokens
from registry.extensions import db
from registry.models import AuditEntry, CalendarToken, User

from .fuzz import EXAMPLES, INERT, Spy, Tally, drive, isolated
from .seeded import backend, count


def test_the_calendar_buttons(fuzz_day, app, client, users, login, monkeypatch):
    mine = calendar_tokens.create(users.controller_a, "en").id
    theirs = calendar_tokens.create(users.controller_b, "nl").id
    controller_id = users.controller_a.id
    login(users.controller_a)
    spy = Spy(monkeypatch).on(calendar_tokens, "create").on(calendar_tokens, "renew").on(calendar_tokens, "revoke")
    tally = Tally("CalendarActionForm", backend(app))

    @EXAMPLES
    @given(
        way=st.sampled_from(["new", "renew", "revoke"]),
        own=st.booleans(),
        revoked_first=st.booleans(),
        extra=st.dictionaries(st.sampled_from(["x", "token", "organisation_id"]), st.sampled_from(INERT), max_size=2),
    )
    def run(way, own, revoked_first, extra):
        with isolated():
            if revoked_first:
                calendar_tokens.revoke(db.session.get(User, controller_id), mine)
            target = mine if own else theirs
            before = {c.id: c.token for c in db.session.scalars(db.select(CalendarToken))}
            entries, calls = count(AuditEntry), spy.calls
            path = "/portal/calendar/new" if way == "new" else f"/portal/calendar/{target}/{way}"
            response = client.post(path, data=extra)

            def done() -> bool:
                db.session.expire_all()
                after = {c.id: c.token for c in db.session.scalars(db.select(CalendarToken))}
                if after[theirs] != before[theirs]:
                    return False
                if way != "new" and not own:
                    return response.status_code == 404 and after == before and count(AuditEntry) == entries
                if response.status_code != 302:
                    return False
                changed = count(AuditEntry) == tuple(n + 1 for n in entries)
                if way == "new" or way == "renew":
                    fresh = after[mine] is not None and after[mine] != before[mine]
                    if way == "new" and not revoked_first:  # it works already: nothing to do
                        return after == before and count(AuditEntry) == entries
                    return fresh and changed
                if revoked_first:  # revoked already: nothing to do
                    return after == before and count(AuditEntry) == entries
                return after[mine] is None and changed

            drive(response, {}, tally, spy.calls > calls, True, done)

    run()
    tally.assert_real_share()
