"""Dutch beyond the public pages: the processor's side, domain messages, computed dates and rules, feeds, mail."""

from __future__ import annotations

from datetime import date

import feedparser
import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import Announcement, OutboxMessage

from .announce import form
from .portal import GROUNDS, announce, contract, objection_form, objection_url

DUTCH = {"Accept-Language": "nl"}
NOTICE_ADDRESS = "privacy@huisartsenpraktijk-x.example"
pytestmark = pytest.mark.usefixtures("clock")  # 1 December 2026: announcements take effect on 15 January 2027


def mail_to(address: str, **filters) -> OutboxMessage:
    return db.session.scalar(
        select(OutboxMessage).filter_by(recipient=address, **filters).order_by(OutboxMessage.id.desc())
    )


def test_the_processors_admin_pages_read_in_dutch(client, users, login):
    login(users.vcare_editor)
    pages = {
        "/admin/processors/vcare/": ["Klantovereenkomsten", "Contractvoorwaarden", "Recente wijzigingen"],
        "/admin/processors/vcare/announcements/new": [
            "Wijziging aankondigen",
            "Soort wijziging",
            "Een subverwerker toevoegen",
            "Duitsland",
        ],
        "/admin/processors/vcare/contracts/new": ["Taal van de aankondigingen", "Kenmerk van de overeenkomst"],
        "/admin/processors/vcare/objections/": ["Bezwaren en toestemmingsbesluiten"],
        "/admin/processors/vcare/import": ["De lijst van subverwerkers importeren", "Excel, Nederlandse kolomkoppen"],
    }
    for url, texts in pages.items():
        page = client.get(url, headers=DUTCH).get_data(as_text=True)
        for text in texts:
            assert text in page, (url, text)
        assert "Customer contracts" not in page and "Announce a change" not in page


def test_the_preview_of_a_draft_reads_in_dutch(client, users, login):
    login(users.vcare_editor)
    client.post(
        "/admin/processors/vcare/announcements/new",
        data=form(new_name="Nimbus B.V.", locations=(("NL", "Amsterdam", ""),)),
    )
    item = db.session.scalar(select(Announcement).order_by(Announcement.id.desc()))
    page = client.get(f"/admin/processors/vcare/announcements/{item.id}/", headers=DUTCH).get_data(as_text=True)
    assert "Voorbeeld van concept" in page and "De verwerkingsverantwoordelijke kan bezwaar maken" in page
    assert "The controller may object" not in page
    assert "nieuwe subverwerker in: Nimbus B.V." in page and "B.V.." not in page


def test_form_and_domain_errors_read_in_dutch_and_keep_the_input(client, users, login):
    login(users.vcare_editor)
    page = client.post(
        "/admin/processors/vcare/announcements/new",
        headers=DUTCH,
        data=form(reason="", purpose="Bellen vanuit de cloud"),
    ).get_data(as_text=True)
    assert "Geef de reden voor de wijziging." in page and "Bellen vanuit de cloud" in page
    # the summary at the top lists it too, linked to the field
    assert '<a href="#reason">Reden voor de wijziging</a>: Geef de reden voor de wijziging.' in page
    response = client.post(
        "/admin/processors/vcare/announcements/new",
        headers=DUTCH,
        data=form(effective_date="2026-11-30", new_name="Acme Cloud"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "De ingangsdatum 30 november 2026 ligt in het verleden." in page and "Acme Cloud" in page


def test_deadlines_their_rules_and_dates_read_in_dutch(client, users):
    item = announce(users.vcare_editor)
    page = client.get(f"/processors/vcare/changes/{item.number}/", headers=DUTCH).get_data(as_text=True)
    assert "Berekend naar analogie van Verord. (EEG, Euratom) nr. 1182/71 art. 3" in page
    assert "het beleid van de verwerker, niet in de overeenkomst" in page
    assert "de overeenkomst stelt geen termijn voor bezwaar" in page
    assert "15 januari 2027" in page and "2027-01-15" not in page
    assert "Vcare schakelt een nieuwe subverwerker in: Acme Cloud." in page
    changes = client.get("/processors/vcare/changes/", headers=DUTCH).get_data(as_text=True)
    assert "Vcare zet Acme Cloud in voor Operator vanaf 15 januari 2027" in changes
    english = client.get(f"/processors/vcare/changes/{item.number}/", headers={"Accept-Language": "en"})
    assert "Computed by analogy with Reg. (EEC, Euratom) No 1182/71 art. 3" in english.get_data(as_text=True)


def test_a_rolled_deadline_names_the_day_in_the_pages_language(app):
    from flask_babel import force_locale

    from registry.law import periods

    result = periods.deadline_to_act(date(2026, 11, 26), 30)  # ends on Saturday 26 December, Second Day of Christmas
    assert (result.rolled_from, result.day) == (date(2026, 12, 26), date(2026, 12, 28))
    with app.test_request_context(), force_locale("nl"):
        assert str(result.explanation).endswith(" De termijn zou zijn geëindigd op 26 december 2026 (Tweede Kerstdag).")
    with app.test_request_context(), force_locale("en"):
        assert str(result.explanation).endswith(
            " The period would have ended on December 26, 2026 (Second Day of Christmas)."
        )


def test_the_annexes_inconsistencies_and_error_pages_read_in_dutch(client):
    page = client.get("/processors/vcare/", headers=DUTCH).get_data(as_text=True)
    assert "komt in Bijlage B helemaal niet voor" in page
    missing = client.get("/processors/nope/", headers=DUTCH)
    assert missing.status_code == 404 and "<h1>Niet gevonden</h1>" in missing.get_data(as_text=True)
    bad_day = client.get("/processors/vcare/?at=2026-13-01", headers=DUTCH)
    assert bad_day.status_code == 400 and "moet een datum zijn in de vorm JJJJ-MM-DD" in bad_day.get_data(as_text=True)


def test_a_feed_reads_in_the_language_its_address_names(client, users):
    item = announce(users.vcare_editor)
    dutch = client.get("/processors/vcare/feed.atom?lang=nl")
    english = client.get("/processors/vcare/feed.atom?lang=en")
    nl_feed, en_feed = feedparser.parse(dutch.data), feedparser.parse(english.data)
    assert nl_feed.bozo == 0 and en_feed.bozo == 0
    assert nl_feed.feed.language == "nl" and en_feed.feed.language == "en"
    assert "Diensten: Operator." in nl_feed.entries[0].summary and "Services: Operator." in en_feed.entries[0].summary
    assert nl_feed.entries[0].id == en_feed.entries[0].id  # one entry, two languages
    assert dutch.headers["ETag"] != english.headers["ETag"]
    assert any(
        link.rel == "self" and link.href.endswith("/processors/vcare/feed.atom?lang=nl") for link in nl_feed.feed.links
    )
    assert (
        client.get("/processors/vcare/feed.atom?lang=nl", headers={"If-None-Match": dutch.headers["ETag"]}).status_code
        == 304
    )
    page = client.get(f"/processors/vcare/changes/{item.number}/", headers=DUTCH).get_data(as_text=True)
    assert "/processors/vcare/feed.atom?lang=nl" in page


def test_contract_announcements_go_out_in_the_contracts_language(app, users):
    contract().notice_language = "nl"
    db.session.commit()
    item = announce(users.vcare_editor)
    notice = mail_to(NOTICE_ADDRESS, kind="contract_announcement", announcement_id=item.id)
    notice_end = item.deadlines[0]["notice_end"]
    assert notice.body.subject.startswith("Vcare zet Acme Cloud in voor Operator")
    assert "Uw overeenkomst stelt geen termijn voor bezwaar: u kunt altijd bezwaar maken." in notice.body.text
    assert "het beleid van de verwerker, niet in de overeenkomst" in notice.body.text
    assert "Verord. (EEG, Euratom) nr. 1182/71" in notice.body.text
    assert "15 januari 2027" in notice.body.text and notice_end == "2026-12-31" and notice_end not in notice.body.text
    assert 'lang="nl"' in notice.body.html

    contract().notice_language = "en"
    db.session.commit()
    item = announce(users.vcare_editor, name="Other Cloud")
    notice = mail_to(NOTICE_ADDRESS, kind="contract_announcement", announcement_id=item.id)
    assert "Your contract sets no deadline for objections: you may object at any time." in notice.body.text
    assert "Computed by analogy with Reg. (EEC, Euratom) No 1182/71 art. 3" in notice.body.text


def test_case_mail_reaches_each_person_in_their_own_language(client, users, login):
    contract().notice_language = "nl"
    users.vcare_editor.language = "nl"
    users.controller_a.language = "en"
    db.session.commit()
    item = announce(users.vcare_editor)
    login(users.controller_a)
    assert client.post(objection_url(item, contract()), data=objection_form(item, contract())).status_code == 302
    to_notice_address = mail_to(NOTICE_ADDRESS, kind="objection")
    to_controller = mail_to(users.controller_a.email, kind="objection")
    to_editor = mail_to(users.vcare_editor.email, kind="objection")
    assert to_notice_address.body.subject.startswith("Ontvangstbevestiging OBJ-")
    assert "Gronden:" in to_notice_address.body.text and GROUNDS in to_notice_address.body.text
    assert to_controller.body.subject.startswith("Receipt OBJ-") and "Grounds:" in to_controller.body.text
    assert to_editor.body.subject.startswith("Bezwaar OBJ-") and "leg de uitkomst vast" in to_editor.body.text


def test_the_audit_log_reads_in_the_readers_language_and_stores_english(client, users, login):
    from registry.audit.trail import verify_chain
    from registry.models import AuditEntry

    item = announce(users.vcare_editor)
    login(users.controller_a)
    client.post(objection_url(item, contract()), data=objection_form(item, contract()))
    entry = db.session.scalar(select(AuditEntry).filter_by(action="objection.submit"))
    assert entry.summary.startswith("Objection OBJ-") and "under contract VC-2024-0117" in entry.summary
    page = client.get(f"/portal/objections/{entry.object_id}/", headers=DUTCH).get_data(as_text=True)
    assert f"Bezwaar {entry.details['said']['values']['ref']} tegen aankondiging #{item.number}" in page
    english = client.get(f"/portal/objections/{entry.object_id}/", headers={"Accept-Language": "en"})
    assert entry.summary in english.get_data(as_text=True)
    assert verify_chain() == []  # the message and its values are part of what the chain protects
