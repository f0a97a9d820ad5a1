"""Importing a processor's list of sub-processors at /admin/processors/<slug>/import: the preview with every
problem by row and column, the first import as the registry as first recorded, later imports as draft
announcements, and the files that are refused. Expected rows are counted by hand from the files written here."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from registry.extensions import db
from registry.models import (
    Announcement,
    AuditEntry,
    Engagement,
    Location,
    OnwardEngagement,
    Processor,
    RegistryVersion,
    Service,
    SubProcessor,
)

from ..clock import TODAY
from ..html import parse, text
from .imports import ENGLISH, FIRST, confirm_fields, dutch_excel_csv, new_processor, row, upload, xlsx
from .imports import count_rows as _count
from .imports import editor as _editor
from .imports import preview_fields as _preview
from .imports import problems as _problems

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def zorgco(users):
    return new_processor(users.admin)


def _registry(processor_id: int):
    """The registry's rows as plain tuples, in an order fixed here."""
    db.session.expire_all()
    sps = {sp.id: sp for sp in db.session.scalars(select(SubProcessor).filter_by(processor_id=processor_id))}
    services = {s.id: s.name for s in db.session.scalars(select(Service).filter_by(processor_id=processor_id))}
    engagements = sorted(
        (services[e.service_id], sps[e.sub_processor_id].name, e.purpose, e.source, e.valid_from)
        for e in db.session.scalars(select(Engagement).filter_by(processor_id=processor_id))
    )
    locations = sorted(
        (sps[loc.sub_processor_id].name, loc.country_code, loc.place, loc.role, loc.transfer_basis, loc.valid_from)
        for loc in db.session.scalars(select(Location).where(Location.sub_processor_id.in_(list(sps))))
    )
    onward = sorted(
        (sps[o.parent_id].name, sps[o.sub_processor_id].name, o.purpose)
        for o in db.session.scalars(select(OnwardEngagement).filter_by(processor_id=processor_id))
    )
    entities = sorted(
        (sp.name, sp.legal_name, sp.dpa_in_place, sps[sp.parent_id].name if sp.parent_id else None)
        for sp in sps.values()
    )
    return sorted(services.values()), entities, locations, engagements, onward


SOURCE = "Import of subverwerkers.csv on 2026-12-01"


def test_the_first_import_of_a_dutch_excel_csv_becomes_the_registry_as_first_recorded(client, users, login, zorgco):
    _editor(login, users)
    page = client.get("/admin/processors/zorgco/").get_data(as_text=True)
    assert "/admin/processors/zorgco/import" in {a.get("href") for a in parse(page).iter("a")}
    preview = upload(client, "zorgco", dutch_excel_csv(FIRST))
    body = preview.get_data(as_text=True)
    assert preview.status_code == 200, body
    assert _problems(body) == []
    assert "5 rows read." in body
    # Nothing is stored before the confirmation.
    assert _count(Engagement, processor_id=zorgco.id) == 0 and _count(Service, processor_id=zorgco.id) == 0
    done = client.post("/admin/processors/zorgco/import/confirm", data=confirm_fields(body))
    assert done.status_code == 302 and done.headers["Location"] == "/admin/processors/zorgco/"
    services, entities, locations, engagements, onward = _registry(zorgco.id)
    assert services == ["Agenda", "Telefonie"]
    assert entities == [
        ("Backup Co", None, None, "Voorbeeld Cloud"),
        ("Mailer Inc", "Mailer Inc", False, None),
        ("Voorbeeld Cloud", "Voorbeeld Cloud B.V.", True, None),
    ]
    assert locations == [
        ("Backup Co", "IE", "Dublin", "back-up", None, TODAY),
        ("Mailer Inc", "US", None, "processing", "scc", TODAY),
        ("Voorbeeld Cloud", "DE", "Frankfurt", "back-up", None, TODAY),
        ("Voorbeeld Cloud", "NL", "Amsterdam", "processing", None, TODAY),
    ]
    assert engagements == [
        ("Agenda", "Mailer Inc", "Verzending van herinneringen", SOURCE, TODAY),
        ("Agenda", "Voorbeeld Cloud", "Opslag", SOURCE, TODAY),
        ("Telefonie", "Voorbeeld Cloud", "Hosting", "Bijlage 2", TODAY),
    ]
    assert onward == [("Voorbeeld Cloud", "Backup Co", "Back-ups van Voorbeeld Cloud")]
    # No announcement; version 1 is the list as imported.
    assert _count(Announcement, processor_id=zorgco.id) == 0
    versions = db.session.scalars(select(RegistryVersion).filter_by(processor_id=zorgco.id)).all()
    assert [(v.number, v.effective_date, v.event) for v in versions] == [(1, TODAY, "initial")]
    listed = client.get("/processors/zorgco/compare?from=1&to=1&format=json").get_json()
    assert listed["added"] == [] and listed["removed"] == []
    entry = db.session.scalar(select(AuditEntry).filter_by(action="registry.import", processor_id=zorgco.id))
    assert entry.details["file"] == "subverwerkers.csv" and entry.details["rows"] == 5
    assert entry.details["counts"] == {
        "services": 2,
        "sub_processors": 3,
        "locations": 4,
        "engagements": 3,
        "onward": 1,
    }
    public = client.get("/processors/zorgco/").get_data(as_text=True)
    assert "Voorbeeld Cloud" in public and "Backup Co" in public
    # The same file again: nothing to import, nothing stored.
    again = upload(client, "zorgco", dutch_excel_csv(FIRST)).get_data(as_text=True)
    assert "Nothing to import: the registry already matches the file." in again
    assert "/import/confirm" not in again
    assert _count(AuditEntry, action="registry.import", processor_id=zorgco.id) == 1


def test_a_processor_listed_earlier_is_recorded_from_the_day_of_its_first_import(client, users, login, zorgco):
    from ..clock import on

    with on(date(2026, 12, 9)):
        _editor(login, users)
        body = upload(client, "zorgco", dutch_excel_csv(FIRST[:1])).get_data(as_text=True)
        assert client.post("/admin/processors/zorgco/import/confirm", data=confirm_fields(body)).status_code == 302
    db.session.expire_all()
    assert db.session.get(Processor, zorgco.id).listed_since == date(2026, 12, 9)
    version = db.session.scalar(select(RegistryVersion).filter_by(processor_id=zorgco.id))
    assert (version.number, version.effective_date) == (1, date(2026, 12, 9))
    assert {e.valid_from for e in db.session.scalars(select(Engagement).filter_by(processor_id=zorgco.id))} == {
        date(2026, 12, 9)
    }


def _first_import(client, users, login):
    _editor(login, users)
    body = upload(client, "zorgco", dutch_excel_csv(FIRST)).get_data(as_text=True)
    assert client.post("/admin/processors/zorgco/import/confirm", data=confirm_fields(body)).status_code == 302


# The second list, as an XLSX with English headers: Mailer Inc leaves Agenda, New Mail comes in for it, and
# Voorbeeld Cloud no longer keeps its back-up in Frankfurt. Three differences, so three drafts.
SECOND = [
    row("Telefonie;Voorbeeld Cloud;Voorbeeld Cloud B.V.;Hosting;NL;Amsterdam;processing;;yes;;Annex 2"),
    row("Agenda;Voorbeeld Cloud;;Opslag;Netherlands;Amsterdam;processing;;;;"),
    row("Agenda;New Mail;New Mail B.V.;Reminders;Nederland;Utrecht;;;yes;;"),
    row(";Backup Co;;Back-ups van Voorbeeld Cloud;IE;Dublin;back-up;;;Voorbeeld Cloud;"),
]


AMSTERDAM = ("NL", "Amsterdam", "processing")


def test_a_later_import_drafts_an_announcement_per_difference_and_changes_nothing_itself(client, users, login, zorgco):
    _first_import(client, users, login)
    before = _registry(zorgco.id)
    preview = upload(client, "zorgco", xlsx(SECOND), "list.xlsx")
    body = preview.get_data(as_text=True)
    assert preview.status_code == 200 and _problems(body) == [], body
    done = client.post("/admin/processors/zorgco/import/confirm", data=confirm_fields(body))
    assert done.status_code == 302 and done.headers["Location"] == "/admin/processors/zorgco/announcements/"
    assert _registry(zorgco.id) == before  # drafts only: the registry waits for their publication
    drafts = db.session.scalars(select(Announcement).filter_by(processor_id=zorgco.id).order_by(Announcement.number))
    got = [
        (
            a.number,
            a.status,
            a.kind,
            a.target.name if a.target else None,
            a.new_name,
            [s.name for s in a.services],
            [(loc["country"], loc["place"], loc["role"]) for loc in a.locations],
            a.effective_date,
        )
        for a in drafts
    ]
    assert got == [
        (
            1,
            "draft",
            "change_locations",
            "Voorbeeld Cloud",
            None,
            ["Telefonie", "Agenda"],
            [("NL", "Amsterdam", "processing")],
            TODAY,
        ),
        (2, "draft", "add", None, "New Mail", ["Agenda"], [("NL", "Utrecht", "processing")], TODAY),
        (3, "draft", "remove", "Mailer Inc", None, ["Agenda"], [], TODAY),
    ]  # fmt: skip  (in the order of the file's rows; what the file no longer names last)
    entry = db.session.scalar(
        select(AuditEntry).filter_by(action="registry.import", processor_id=zorgco.id).order_by(AuditEntry.id.desc())
    )
    assert entry.details["counts"] == {"drafts": 3} and entry.details["drafts"] == [1, 2, 3]
    # The same file again, before the drafts are published: no second set of drafts.
    again = upload(client, "zorgco", xlsx(SECOND), "list.xlsx").get_data(as_text=True)
    assert "Nothing to import: the registry and its open draft announcements (#1, #2, #3)" in again
    assert "/import/confirm" not in again
    assert _count(Announcement, processor_id=zorgco.id) == 3
    # Published, the drafts change the registry; the file then matches it.
    for number in (1, 2, 3):
        a = db.session.scalar(select(Announcement).filter_by(processor_id=zorgco.id, number=number))
        assert client.post(f"/admin/processors/zorgco/announcements/{a.id}/publish").status_code == 302
    later = upload(client, "zorgco", xlsx(SECOND), "list.xlsx").get_data(as_text=True)
    assert "Nothing to import: the registry already matches the file." in later


def test_a_purpose_that_differs_is_named_and_not_imported(client, users, login, zorgco):
    _first_import(client, users, login)
    changed = [row[:] for row in FIRST]
    changed[2][3] = "Opslag van afspraken"
    body = upload(client, "zorgco", dutch_excel_csv(changed)).get_data(as_text=True)
    assert "Row 4: the purpose of Voorbeeld Cloud for Agenda differs from the registry" in body
    assert "Nothing to import" in body and "/import/confirm" not in body


def test_an_unknown_service_is_a_problem_on_a_later_import(client, users, login, zorgco):
    _first_import(client, users, login)
    rows = [*FIRST, ["Facturatie", "Voorbeeld Cloud", "", "Facturen", "NL", "Amsterdam", "", "", "", "", ""]]
    body = upload(client, "zorgco", dutch_excel_csv(rows)).get_data(as_text=True)
    assert _problems(body) == [
        (
            "7",
            "Service",
            "A7",
            "Unknown service 'Facturatie': the registry of Zorg zorgco has no such service. Add it on the "
            "processor's page first, or use the name of one of its services.",
        )
    ]
    assert "The draft announcements are worked out once the file has no problems." in body
    assert "/import/confirm" not in body


def test_the_templates_in_both_languages(client, users, login, zorgco):
    _editor(login, users)
    english = client.get("/admin/processors/zorgco/import/template.csv?lang=en")
    assert english.status_code == 200 and english.headers["Content-Disposition"].endswith('"sub-processors.csv"')
    lines = english.get_data().decode("utf-8-sig").split("\r\n")
    assert lines[0] == ";".join(ENGLISH) and lines[1].startswith("Telephony;Example Cloud;")
    dutch = client.get("/admin/processors/zorgco/import/template.xlsx?lang=nl")
    sheet = load_workbook(io.BytesIO(dutch.get_data())).active
    assert [c.value for c in sheet[1]][:3] == ["Dienst", "Subverwerker", "Juridische naam"]
    assert sheet.max_row == 2
    # The filled-in template imports as it is.
    body = upload(client, "zorgco", dutch.get_data(), "subverwerkers.xlsx").get_data(as_text=True)
    assert _problems(body) == [] and "/import/confirm" in body
    assert client.get("/admin/processors/zorgco/import/template.csv?lang=fr").status_code == 400


def test_a_registry_changed_since_the_preview_shows_the_new_preview_instead(client, users, login, zorgco):
    from registry.subprocessors import editing

    _editor(login, users)
    fields = _preview(client)
    editing.save_service(users.admin, db.session.get(Processor, zorgco.id), None, {"name": "Agenda"})
    response = client.post("/admin/processors/zorgco/import/confirm", data=fields)
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "The registry changed since the preview. Check this new preview, then confirm again." in body
    assert "Services to add (1)" in body and _count(Engagement, processor_id=zorgco.id) == 0
    again = client.post("/admin/processors/zorgco/import/confirm", data=confirm_fields(body))
    assert again.status_code == 302
    assert _registry(zorgco.id)[0] == ["Agenda", "Telefonie"] and _count(Service, processor_id=zorgco.id) == 2


def test_the_import_page_in_dutch(client, users, login, zorgco):
    _editor(login, users)
    client.post("/language", data={"language": "nl", "next": "/admin/processors/zorgco/import"})
    rows = [FIRST[0][:]]
    rows[0][4] = "Atlantis"
    body = upload(client, "zorgco", dutch_excel_csv(rows)).get_data(as_text=True)
    assert 'lang="nl"' in body
    assert _problems(body) == [
        (
            "2",
            "Land",
            "E2",
            "Onbekend land 'Atlantis': geef de ISO-code (zoals DE) of de naam in het Engels of Nederlands.",
        )
    ]


def test_the_preview_pages_are_valid_html(client, users, login, zorgco):
    from .test_html import strict

    _editor(login, users)
    strict(upload(client, "zorgco", dutch_excel_csv(FIRST)).get_data(as_text=True), "first preview")
    bad = [FIRST[0][:]]
    bad[0][4] = "Atlantis"
    strict(upload(client, "zorgco", dutch_excel_csv(bad)).get_data(as_text=True), "preview with problems")
    strict(upload(client, "zorgco", b"", "empty.csv").get_data(as_text=True), "refused file")
    _first_import(client, users, login)
    strict(upload(client, "zorgco", xlsx(SECOND), "list.xlsx").get_data(as_text=True), "later preview")


def test_the_locations_of_a_sub_processor_down_the_chain_are_not_changed_silently(client, users, login, zorgco):
    _first_import(client, users, login)
    moved = [row[:] for row in FIRST]
    moved[4][4] = "Duitsland"  # Backup Co, engaged by Voorbeeld Cloud, now in Germany
    body = upload(client, "zorgco", dutch_excel_csv(moved)).get_data(as_text=True)
    assert (
        "Row 6: the locations of Backup Co differ from the registry&#39;s; it keeps its recorded locations, and the "
        "file&#39;s are not imported." in body
    )
    assert "Nothing to import" in body and "/import/confirm" not in body


def test_a_legal_name_or_dpa_that_differs_is_named_and_not_imported(client, users, login, zorgco):
    _first_import(client, users, login)
    changed = [row[:] for row in FIRST]
    changed[3][2], changed[3][8] = "Mailer Incorporated", "ja"  # Mailer Inc's legal name and DPA
    body = upload(client, "zorgco", dutch_excel_csv(changed)).get_data(as_text=True)
    notes = [text(li) for li in parse(body).iter("li") if text(li).startswith("Row ")]
    assert notes == [
        "Row 5: the legal name of Mailer Inc differs from the registry's; it is not imported.",
        "Row 5: the 'DPA in place' value of Mailer Inc differs from the registry's; it is not imported.",
    ]


def test_a_preview_read_in_dutch_is_confirmed_after_a_switch_to_english(client, users, login, zorgco):
    _editor(login, users)
    client.post("/language", data={"language": "nl", "next": "/"})
    fields = _preview(client)
    client.post("/language", data={"language": "en", "next": "/"})
    assert client.post("/admin/processors/zorgco/import/confirm", data=fields).status_code == 302
    assert _count(Engagement, processor_id=zorgco.id) == 3


def test_a_later_import_drafts_the_changes_down_the_chain(client, users, login, zorgco):
    _first_import(client, users, login)
    chain = [row[:] for row in FIRST[:4]]
    chain.append(row(";Archive Ltd;;Archief van Voorbeeld Cloud;Ierland;Cork;back-up;;;Voorbeeld Cloud;"))
    body = upload(client, "zorgco", dutch_excel_csv(chain)).get_data(as_text=True)
    assert _problems(body) == []
    assert client.post("/admin/processors/zorgco/import/confirm", data=confirm_fields(body)).status_code == 302
    drafts = db.session.scalars(select(Announcement).filter_by(processor_id=zorgco.id).order_by(Announcement.number))
    got = [
        (
            a.number,
            a.kind,
            a.parent.name,
            a.target.name if a.target else None,
            a.new_name,
            sorted(s.name for s in a.services),
            [(loc["country"], loc["place"], loc["role"]) for loc in a.locations],
        )
        for a in drafts
    ]
    # Voorbeeld Cloud serves Telefonie and Agenda: a change of its own sub-processors concerns both.
    assert got == [
        (1, "add", "Voorbeeld Cloud", None, "Archive Ltd", ["Agenda", "Telefonie"], [("IE", "Cork", "back-up")]),
        (2, "remove", "Voorbeeld Cloud", "Backup Co", None, ["Agenda", "Telefonie"], []),
    ]
