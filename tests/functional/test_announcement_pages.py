"""An announcement's public address carries its number, the one it is shown with; links of before, by database id,
still lead to it. On a fixed clock: published Tuesday 1 December 2026, effective Saturday 30 January 2027."""

from datetime import date, timedelta

import feedparser
import pytest
from sqlalchemy import select, update

from registry.announcements import publication
from registry.announcements.drafting import save_draft
from registry.extensions import db
from registry.models import Announcement, Processor
from registry.subprocessors.snapshot import today

from ..html import by_id, table_rows, texts
from .announce import draft, ids, publish, sp_id

pytestmark = pytest.mark.usefixtures("clock")


def vcare():
    return db.session.scalar(select(Processor).filter_by(slug="vcare"))


FIELDS = {
    "kind": "add",
    "reason": "Because",
    "locations": [{"country": "NL", "place": None, "role": "processing", "transfer_basis": None}],
}


def announce(editor, name):
    data = {
        **FIELDS,
        "service_ids": ids("vcare", "operator"),
        "new_name": name,
        "effective_date": today() + timedelta(days=60),
    }
    item = save_draft(editor, vcare(), None, data)
    publication.publish(editor, vcare(), item.id)
    db.session.expire_all()
    return db.session.get(Announcement, item.id)


def another_processors_draft():
    """A draft of VTM: it takes an id, so Vcare's ids no longer equal its numbers (as on any registry but the first)."""
    vtm = db.session.scalar(select(Processor).filter_by(slug="vtm"))
    db.session.add(
        Announcement(
            processor_id=vtm.id, number=1, kind="add", new_name="X", reason="x", effective_date=date(2027, 2, 1)
        )
    )
    db.session.commit()


def test_the_address_carries_the_number_shown(client, users):
    another_processors_draft()
    first = announce(users.vcare_editor, "Acme One")
    second = announce(users.vcare_editor, "Acme Two")
    assert (first.number, second.number) == (1, 2) and first.id != 1
    page = client.get("/processors/vcare/changes/2/").get_data(as_text=True)
    assert texts(page, "h1") == ["Announcement #2: add a sub-processor"]
    assert "Acme Two" in texts(page, "dd")[0]
    listed = client.get("/processors/vcare/changes/").get_data(as_text=True)
    assert '<a href="/processors/vcare/changes/2/">#2: Vcare adds Acme Two' in listed
    assert '<a href="/processors/vcare/changes/1/">#1: Vcare adds Acme One' in listed
    versions = client.get("/processors/vcare/versions/").get_data(as_text=True)
    assert '<a href="/processors/vcare/changes/2/">Announcement #2</a>' in versions
    assert client.get("/processors/vcare/changes/999999/").status_code == 404  # neither a number nor an old id


def test_an_old_link_by_id_redirects_permanently_to_the_number(client, users):
    another_processors_draft()
    first = announce(users.vcare_editor, "Acme One")
    assert first.id not in (1,)  # its old link is not a number Vcare has
    response = client.get(f"/processors/vcare/changes/{first.id}/")
    assert response.status_code == 308
    assert response.headers["Location"] == "/processors/vcare/changes/1/"
    # A draft has no public page, by number or by id; Vcare's id is no old link of another processor's.
    draft = save_draft(
        users.vcare_editor,
        vcare(),
        None,
        {
            **FIELDS,
            "service_ids": ids("vcare", "operator"),
            "new_name": "Draft",
            "effective_date": today() + timedelta(days=60),
        },
    )
    assert draft.number == 2 and draft.id > 2
    assert client.get(f"/processors/vcare/changes/{draft.id}/").status_code == 404
    assert client.get(f"/processors/vtm/changes/{first.id}/").status_code == 404


def test_where_an_old_id_is_another_announcements_number_the_number_wins_and_says_so(client, users):
    another_processors_draft()
    first = announce(users.vcare_editor, "Acme One")
    second = announce(users.vcare_editor, "Acme Two")
    # Vcare's counting reaches the id the first announcement's old link carried (as it would, in time).
    db.session.execute(update(Announcement).where(Announcement.id == second.id).values(number=first.id))
    db.session.commit()
    page = client.get(f"/processors/vcare/changes/{first.id}/").get_data(as_text=True)
    assert texts(page, "h1") == [f"Announcement #{first.id}: add a sub-processor"]
    notice = by_id(page, "old-link")
    assert notice == (
        "Links sent before December 2026 named announcements by another reference. If you followed such a link, "
        "you may be looking for: Announcement #1: Vcare adds Acme One for Operator from January 30, 2027"
    )
    assert 'href="/processors/vcare/changes/1/"' in page
    # The first one's own page has no such notice: no old link of id 1 meant another announcement of Vcare.
    assert 'id="old-link"' not in client.get("/processors/vcare/changes/1/").get_data(as_text=True)


def test_feed_links_carry_the_number_and_entry_ids_stay_as_they_were(client, users):
    another_processors_draft()
    first = announce(users.vcare_editor, "Acme One")
    feed = feedparser.parse(client.get("/processors/vcare/feed.atom").data)
    [entry] = feed.entries
    assert entry.link == "http://registry.test/processors/vcare/changes/1/"
    # Built from the database id, as before the links changed: readers do not see the entry as new.
    assert entry.id == f"tag:registry.test,2026-12-01:vcare/announcement/{first.id}"


def test_mail_links_carry_the_number(client, users):
    another_processors_draft()
    announce(users.vcare_editor, "Acme One")
    from registry.models import MailBody

    bodies = [(m.text, m.html) for m in db.session.scalars(select(MailBody))]
    assert bodies and all("http://registry.test/processors/vcare/changes/1/" in t + h for t, h in bodies)


def test_a_change_of_locations_shows_where_data_moves_from_and_to(client, users, login):
    login(users.vcare_editor)
    item = draft(
        client,
        kind="change_locations",
        services=("sendi",),
        target_id=str(sp_id("vcare", "micros")),
        locations=(("DE", "Frankfurt", ""), ("US", "Virginia", "scc")),
    )
    # Micros processes in the Netherlands (seed/vcare.yaml) until the change.
    moves = (
        "from Netherlands → to Germany (Frankfurt); United States (Virginia) — outside the EEA, Standard "
        "contractual clauses (Decision (EU) 2021/914)"
    )
    assert (
        by_id(client.get(f"/admin/processors/vcare/announcements/{item.id}/").get_data(as_text=True), "moves") == moves
    )
    from .test_mail import subscriber

    subscriber("lezer@example.org")
    item = publish(client, item)
    assert by_id(client.get(f"/processors/vcare/changes/{item.number}/").get_data(as_text=True), "moves") == moves
    assert (
        by_id(client.get(f"/admin/processors/vcare/announcements/{item.id}/").get_data(as_text=True), "moves") == moves
    )
    [entry] = feedparser.parse(client.get("/processors/vcare/feed.atom").data).entries
    assert (
        "\nLocations: Netherlands → Germany (Frankfurt); United States (Virginia) (outside the EEA).\n" in entry.summary
    )
    # The subscribers' mail says it too, in its text part and its HTML part.
    from registry.models import MailBody

    moved = "Locations: Netherlands → Germany (Frankfurt); United States (Virginia) (outside the EEA, Standard"
    bodies = db.session.scalars(select(MailBody).where(MailBody.text.like("%Micros%"))).all()
    assert bodies and all(moved in body.text for body in bodies)
    assert all("Netherlands →" in body.html for body in bodies)
    # Withdrawn, the announcement still says what it would have moved.
    client.post(f"/admin/processors/vcare/announcements/{item.id}/withdraw", data={"reason": "Not now"})
    assert by_id(client.get(f"/processors/vcare/changes/{item.number}/").get_data(as_text=True), "moves") == moves


def test_an_addition_lists_its_locations_without_an_arrow(client, users, login):
    login(users.vcare_editor)
    item = publish(client, draft(client, new_name="Acme", locations=(("DE", "Frankfurt", ""),)))
    page = client.get(f"/processors/vcare/changes/{item.number}/").get_data(as_text=True)
    assert 'id="moves"' not in page and "<li>Germany (Frankfurt)</li>" in page


def _compare(client, older, newer):
    data = client.get(f"/processors/vcare/compare?from={older}&to={newer}&format=json").get_json()
    return (
        [(r["service"], r["sub_processor"]) for r in data["added"]],
        [(r["service"], r["sub_processor"]) for r in data["removed"]],
        [(r["announcement"], r["service"], r["sub_processor"], r["effect"]) for r in data["withdrawn"]],
    )


def test_comparing_across_a_withdrawal_undoes_it(client, users, login):
    """v2: #1 adds Acme for Operator (effective 1 March 2027); v3: #2 removes Micros from Sendi (30 January 2027);
    v4 withdraws #1, v5 withdraws #2 (both on 1 December 2026)."""
    login(users.vcare_editor)
    add = publish(client, draft(client, new_name="Acme", services=("operator",), days=90))
    remove = publish(
        client, draft(client, kind="remove", services=("sendi",), target_id=str(sp_id("vcare", "micros")), locations=())
    )
    client.post(f"/admin/processors/vcare/announcements/{add.id}/withdraw", data={"reason": "No"})
    client.post(f"/admin/processors/vcare/announcements/{remove.id}/withdraw", data={"reason": "No"})
    assert _compare(client, 1, 2) == ([("Operator", "Acme")], [], [])
    # Acme never came: not "removed"; Micros's removal (v3, in between) did happen by version 4.
    assert _compare(client, 2, 4) == ([], [("Sendi", "Micros")], [(1, "Operator", "Acme", "not_added")])
    # Micros stays: not "added".
    assert _compare(client, 4, 5) == ([], [], [(2, "Sendi", "Micros", "stays")])
    assert _compare(client, 1, 5) == (
        [],
        [],
        [(1, "Operator", "Acme", "not_added"), (2, "Sendi", "Micros", "stays")],
    )
    page = client.get("/processors/vcare/compare?from=4&to=5").get_data(as_text=True)
    assert table_rows(page, "Announced changes withdrawn in between") == [
        ["#2", "Sendi", "Micros", "would have been removed: stays"]
    ]
    assert [h for h in texts(page, "h2")] == ["Added (0)", "Removed (0)", "Changed (0)", "Withdrawn in between (1)"]
    assert texts(page, "li")[-2:] == [
        "Version 4: takes effect December 1, 2026, published December 1, 2026, 12:00 CET",
        "Version 5: takes effect December 1, 2026, published December 1, 2026, 12:00 CET",
    ]


def test_versions_are_listed_in_the_order_they_take_effect_with_both_dates(client, users, login):
    login(users.vcare_editor)
    later = publish(client, draft(client, new_name="Acme", services=("operator",), days=90))  # 1 March 2027
    sooner = publish(client, draft(client, new_name="Beta", services=("operator",), days=60))  # 30 January 2027
    client.post(f"/admin/processors/vcare/announcements/{later.id}/withdraw", data={"reason": "No"})
    listed = table_rows(client.get("/processors/vcare/versions/").get_data(as_text=True), "Every version")
    assert [(r[0], r[1], r[3]) for r in listed] == [
        ("2", "March 1, 2027", "Announcement #1"),
        ("3", "January 30, 2027", "Announcement #2"),
        ("4", "December 1, 2026", "Withdrawal of announcement #1"),
        ("1", "November 1, 2026", "Initial list from the contract's annex"),
    ]
    assert [r[2] for r in listed[:3]] == ["December 1, 2026, 12:00 CET"] * 3
    assert sooner.version.number == 3


def test_the_new_words_in_dutch(client, users, login):
    dutch = {"Accept-Language": "nl"}
    login(users.vcare_editor)
    move = publish(
        client,
        draft(
            client,
            kind="change_locations",
            services=("sendi",),
            target_id=str(sp_id("vcare", "micros")),
            locations=(("DE", "Frankfurt", ""),),
        ),
    )
    page = client.get(f"/processors/vcare/changes/{move.number}/", headers=dutch).get_data(as_text=True)
    assert by_id(page, "moves") == "van Nederland → naar Duitsland (Frankfurt)"
    client.post(f"/admin/processors/vcare/announcements/{move.id}/withdraw", data={"reason": "Nee"})
    page = client.get("/processors/vcare/compare?from=2&to=3", headers=dutch).get_data(as_text=True)
    assert table_rows(page, "Aangekondigde wijzigingen die tussendoor zijn ingetrokken") == [
        ["#1", "Sendi", "Micros", "zou verhuizen: houdt zijn locaties"]
    ]
    assert texts(page, "li")[-1] == "Versie 3: gaat in op 1 december 2026, gepubliceerd 1 december 2026 om 12:00 CET"
    item = draft(client, new_name="Acme")
    page = client.get(f"/admin/processors/vcare/announcements/{item.id}/delete", headers=dutch).get_data(as_text=True)
    assert texts(page, "h1") == ["Concept #2 verwijderen"]
    refused = client.post(f"/admin/processors/vcare/announcements/{move.id}/delete", headers=dutch)
    assert (
        "Aankondiging #1 is ingetrokken en kan niet worden verwijderd: wat is aangekondigd, en de intrekking, "
        "blijven vastgelegd."
    ) in texts(refused.get_data(as_text=True), "p")
    form = client.get("/admin/processors/vcare/announcements/new", headers=dutch).get_data(as_text=True)
    assert "— kies —" in form and "Elke dienst aanvinken die de hierboven gekozen subverwerker gebruikt" in form
