"""The controller's calendar (/portal/calendar/<token>.ics), parsed back with icalendar.

On a fixed clock: Tuesday 1 December 2026, noon in Amsterdam. `announce` publishes today with the change taking
effect 45 days later: Friday 15 January 2027. Huisartsenpraktijk X's Vcare contract (VC-2024-0117) sets no period
to object (art. 4.1 "op redelijke gronden", seed/vcare.yaml objection_days: null), so the calendar shows no
deadline for it; where a test gives the terms a 19-day period (art. 4.2, test), the last day is worked out by hand.
"""

from __future__ import annotations

from datetime import date

import pytest
from icalendar import Calendar
from sqlalchemy import select

from registry.accounts import users as accounts
from registry.announcements import publication
from registry.extensions import db
from registry.models import AuditEntry, CalendarToken, Termination

from .. import factories
from ..clock import on
from .portal import US, announce, contract, objection_form, objection_url, objections, processor

pytestmark = pytest.mark.usefixtures("clock")
HOST = "registry.test"


def make_calendar(client, login, user) -> str:
    """The calendar's path, made on the page the way the user's browser does."""
    login(user)
    assert client.post("/portal/calendar/new").status_code == 302
    found = db.session.scalar(select(CalendarToken).filter_by(organisation_id=user.organisation_id))
    page = client.get("/portal/calendar/").get_data(as_text=True)
    path = f"/portal/calendar/{found.token}.ics"
    assert f"http://{HOST}{path}" in page and f"webcal://{HOST}{path}" in page
    client.post("/logout")
    return path


def fetch(client, path: str) -> Calendar:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    return Calendar.from_ical(response.data)


def events(calendar: Calendar) -> dict[str, dict]:
    """UID → the event's day (a date for an all-day event), end, summary and description."""
    return {
        str(e["uid"]): {
            "day": e.decoded("dtstart"),
            "end": e.decoded("dtend"),
            "summary": str(e["summary"]),
            "description": str(e["description"]),
        }
        for e in calendar.walk("VEVENT")
    }


def test_effective_date_without_an_invented_deadline_and_only_the_own_contract(client, users, login):
    other = factories.contract_with_notice_days(users.vcare_editor, 30)  # Tandartspraktijk Noord, also Operator
    item = announce(users.vcare_editor)
    vtm = announce(users.vtm_editor, slug="vtm", services=("it-telecom",), name="Other Cloud")
    mine = contract()
    calendar = fetch(client, make_calendar(client, login, users.controller_a))
    assert str(calendar["prodid"]) == "-//Sub-processor Registry//Calendar 1//EN"
    assert str(calendar["version"]) == "2.0"
    assert str(calendar["x-wr-calname"]) == "Sub-processor changes: Huisartsenpraktijk X"
    assert calendar["refresh-interval"].to_ical() == b"PT6H"
    assert calendar["x-published-ttl"].to_ical() == b"PT6H"
    found = events(calendar)
    uid = f"effective-{item.id}-{mine.id}@{HOST}"
    # Only the change's effective day under X's own contract: no objection deadline (none in art. 4.1), nothing
    # of Tandartspraktijk Noord's contract, nothing of VTM (X has no contract with VTM).
    assert list(found) == [uid]
    assert found[uid]["day"] == date(2027, 1, 15) and found[uid]["end"] == date(2027, 1, 16)
    assert found[uid]["summary"] == f"Takes effect: Vcare announcement #{item.number}"
    assert "Your contract: VC-2024-0117 (telefonie en Operator)." in found[uid]["description"]
    assert f"http://{HOST}/processors/vcare/changes/{item.number}/" in found[uid]["description"]
    assert f"-{other.id}@" not in str(found) and f"-{vtm.id}-" not in str(found)
    stamp = next(iter(calendar.walk("VEVENT"))).decoded("dtstamp")
    assert stamp == item.published_at


def test_a_period_to_object_in_the_contract_gives_its_last_day(client, users, login):
    terms = contract().terms
    terms.objection_days, terms.objection_period_article = 19, "4.2 (test)"
    db.session.commit()
    item = announce(users.vcare_editor)
    found = events(fetch(client, make_calendar(client, login, users.controller_a)))
    # Announced Tuesday 1 December 2026; the day of the event does not count: 19 days end on Sunday 20 December,
    # which rolls to the next working day, Monday 21 December 2026 (Reg. 1182/71 art. 3(4) by analogy).
    deadline = found[f"objection-deadline-{item.id}-{contract().id}@{HOST}"]
    assert (deadline["day"], deadline["end"]) == (date(2026, 12, 21), date(2026, 12, 22))
    assert deadline["summary"] == f"Last day to object: Vcare announcement #{item.number}"
    assert "Under art. 4.2 (test) of your contract you may object until the end of " in deadline["description"]
    assert "(19 days from the announcement)" in deadline["description"]
    assert "1182/71" in deadline["description"]
    assert "The period would have ended on December 20, 2026 (Sunday)." in deadline["description"]
    assert found[f"effective-{item.id}-{contract().id}@{HOST}"]["day"] == date(2027, 1, 15)


def test_where_consent_is_asked_there_is_no_deadline_to_object(client, users, login):
    terms = contract().terms
    terms.objection_days, terms.objection_period_article = 19, "4.2 (test)"
    db.session.commit()
    # Data to the United States: Vcare art. 5.3 asks the controller's consent, which has no period in the contract.
    item = announce(users.vcare_editor, locations=US, name="Transfer Cloud")
    found = events(fetch(client, make_calendar(client, login, users.controller_a)))
    assert list(found) == [f"effective-{item.id}-{contract().id}@{HOST}"]


def test_a_withdrawn_announcement_leaves_the_calendar(client, users, login):
    kept, gone = announce(users.vcare_editor), announce(users.vcare_editor, name="Beta Cloud", days=60)
    path = make_calendar(client, login, users.controller_a)
    assert len(events(fetch(client, path))) == 2
    publication.withdraw(users.vcare_editor, processor("vcare"), gone.id, "We chose another supplier after all.")
    assert list(events(fetch(client, path))) == [f"effective-{kept.id}-{contract().id}@{HOST}"]


def test_notice_of_termination_gives_the_day_the_contract_ends(client, users, login):
    item = announce(users.vcare_editor)
    later = announce(users.vcare_editor, name="Later Cloud", days=120)  # takes effect on 31 March 2027
    login(users.controller_a)
    assert client.post(objection_url(item, contract()), data=objection_form(item, contract())).status_code == 302
    client.post("/logout")
    objection = objections()[0]
    login(users.vcare_editor)
    outcome = {"outcome": "no_agreement", "note": "We keep Acme Cloud for everyone."}
    assert client.post(f"/admin/processors/vcare/objections/{objection.id}/outcome", data=outcome).status_code == 302
    client.post("/logout")
    # Vcare art. 4.1: one month's notice; given on Sunday 31 January 2027 it ends at the end of 28 February 2027.
    with on(date(2027, 1, 31)):
        login(users.controller_a)
        response = client.post(f"/portal/objections/{objection.id}/termination", data={"confirm": "y"})
        assert response.status_code == 302
        client.post("/logout")
        path = make_calendar(client, login, users.controller_a)
        found = events(fetch(client, path))
    notice = db.session.scalar(select(Termination))
    ends = found[f"termination-{notice.id}-{contract().id}@{HOST}"]
    assert (ends["day"], ends["end"]) == (date(2027, 2, 28), date(2027, 3, 1))
    assert ends["summary"] == "Contract ends: VC-2024-0117 (telefonie en Operator) (Vcare)"
    assert f"Notice of termination {notice.reference}, given on " in ends["description"]
    assert "1 month's notice (art. 4.1)" in ends["description"]
    # The change takes effect (15 January) before the contract ends: it stays; the one of 31 March does not
    # concern the contract any more.
    assert found[f"effective-{item.id}-{contract().id}@{HOST}"]["day"] == date(2027, 1, 15)
    assert set(found) == {
        f"termination-{notice.id}-{contract().id}@{HOST}",
        f"effective-{item.id}-{contract().id}@{HOST}",
    }
    assert later.effective_date == date(2027, 3, 31)


def test_the_calendar_in_dutch_from_the_owner_or_the_address(client, users, login):
    item = announce(users.vcare_editor)
    accounts.set_language(users.controller_a, "nl")
    db.session.commit()
    path = make_calendar(client, login, users.controller_a)
    calendar = fetch(client, path)
    assert str(calendar["x-wr-calname"]) == "Wijzigingen van subverwerkers: Huisartsenpraktijk X"
    (event,) = events(calendar).values()
    assert event["summary"] == f"Gaat in: aankondiging #{item.number} van Vcare"
    assert "Uw overeenkomst: VC-2024-0117 (telefonie en Operator)." in event["description"]
    (english,) = events(fetch(client, path + "?lang=en")).values()
    assert english["summary"] == f"Takes effect: Vcare announcement #{item.number}"


def test_headers_etag_and_no_session(client, users, login):
    announce(users.vcare_editor)
    path = make_calendar(client, login, users.controller_a)
    client.delete_cookie("session")
    response = client.get(path)
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Set-Cookie" not in response.headers and "Cookie" not in response.headers.get("Vary", "")
    etag = response.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and "Set-Cookie" not in again.headers
    assert client.get(path).headers["ETag"] == etag


def test_revoke_and_renew(client, users, login):
    old = make_calendar(client, login, users.controller_a)
    calendar_id = db.session.scalar(select(CalendarToken.id))
    login(users.controller_a)
    assert client.post(f"/portal/calendar/{calendar_id}/renew").status_code == 302
    db.session.expire_all()
    new = f"/portal/calendar/{db.session.scalar(select(CalendarToken.token))}.ics"
    assert new != old
    assert client.get(old).status_code == 404 and client.get(new).status_code == 200
    assert client.post(f"/portal/calendar/{calendar_id}/revoke").status_code == 302
    assert client.get(new).status_code == 404
    page = client.get("/portal/calendar/").get_data(as_text=True)
    assert "The calendar address was revoked on" in page and ".ics" not in page
    actions = list(
        db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.object_type == "CalendarToken").order_by(AuditEntry.id)
        )
    )
    assert actions == ["calendar.create", "calendar.renew", "calendar.revoke"]
    # A new address after a revocation: a new secret, not the revoked one.
    assert client.post("/portal/calendar/new").status_code == 302
    db.session.expire_all()
    assert f"/portal/calendar/{db.session.scalar(select(CalendarToken.token))}.ics" not in (old, new)


def test_unknown_tokens_are_404_without_a_hint(client):
    for token in ("x", "A" * 43, "../../etc/passwd", "%00", "A" * 200):
        response = client.get(f"/portal/calendar/{token}.ics")
        assert response.status_code == 404, token
        page = response.get_data(as_text=True).lower()
        assert "revoked" not in page and "no such calendar" not in page, token


def test_another_organisation_cannot_renew_or_revoke(client, users, login):
    path = make_calendar(client, login, users.controller_a)
    calendar_id = db.session.scalar(select(CalendarToken.id))
    login(users.controller_b)
    assert client.post(f"/portal/calendar/{calendar_id}/renew").status_code == 404
    assert client.post(f"/portal/calendar/{calendar_id}/revoke").status_code == 404
    assert client.get(path).status_code == 200


def test_the_calendar_page_reads_in_dutch(client, users, login):
    login(users.controller_a)
    dutch = {"Accept-Language": "nl"}
    page = client.get("/portal/", headers=dutch).get_data(as_text=True)
    assert '<a href="/portal/calendar/">Agenda</a>' in page
    page = client.get("/portal/calendar/", headers=dutch).get_data(as_text=True)
    assert "Agenda van Huisartsenpraktijk X" in page and "Maak een agenda-adres" in page
    client.post("/portal/calendar/new", headers=dutch)
    page = client.get("/portal/calendar/", headers=dutch).get_data(as_text=True)
    assert "Uw agenda-adres is klaar: voeg het toe aan uw agenda-app." in page
    for text in ("Uw agenda-adres", "Zo abonneert u zich", "Vernieuw het adres", "Trek het adres in"):
        assert text in page, text
    for english in ("Your calendar address", "How to subscribe", "Renew the address", "Revoke the address", "Anyone"):
        assert english not in page, english
    client.post(f"/portal/calendar/{db.session.scalar(select(CalendarToken.id))}/revoke", headers=dutch)
    page = client.get("/portal/calendar/", headers=dutch).get_data(as_text=True)
    assert "Het agenda-adres is ingetrokken." in page
    assert "Het agenda-adres is ingetrokken op 1 december 2026 om 12:00 CET." in page


def test_a_deadline_in_dutch(client, users, login):
    terms = contract().terms
    terms.objection_days, terms.objection_period_article = 19, "4.2 (test)"
    db.session.commit()
    item = announce(users.vcare_editor)
    path = make_calendar(client, login, users.controller_a)
    deadline = events(fetch(client, path + "?lang=nl"))[f"objection-deadline-{item.id}-{contract().id}@{HOST}"]
    assert deadline["summary"] == f"Laatste dag voor bezwaar: aankondiging #{item.number} van Vcare"
    assert (
        "Volgens art. 4.2 (test) van uw overeenkomst kunt u bezwaar maken tot het einde van 21 december 2026 "
        "(19 dagen na de aankondiging)."
    ) in deadline["description"]
