"""Importing a processor's list of sub-processors at /admin/processors/<slug>/import: the preview with every
problem by row and column, the first import as the registry as first recorded, later imports as draft
announcements, and the files that are refused. Expected rows are counted by hand from the files written here."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

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

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def zorgco(users):
    return new_processor(users.admin)


def _editor(login, users, slug="zorgco"):
    from registry.models import User

    login(db.session.scalar(select(User).filter_by(email=f"ed@{slug}.example.org")))


def _problems(page: str) -> list[tuple[str, str, str, str]]:
    captions = ("Problems, by row", "Problemen, per rij")
    tables = [t for t in parse(page).iter("table") if text(t.find("caption")) in captions]
    if not tables:
        return []
    return [tuple(text(td) for td in tr.iter("td")) for tr in tables[0].find("tbody").iter("tr")]


def _count(model, **where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


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


def test_every_problem_is_named_by_row_column_and_cell(client, users, login, zorgco):
    _editor(login, users)
    rows = [
        FIRST[0],
        FIRST[0],  # a duplicate of row 2
        ["Telefonie", "Cloud X", "", "", "Atlantis", "", "", "", "", "", ""],  # no purpose, unknown country
        ["Telefonie", "Shield Inc", "", "Hosting", "US", "", "", "Privacy Shield", "", "", ""],
        ["Telefonie", '=HYPERLINK("x")', "", "Hosting", "NL", "", "", "", "", "", ""],
        ["", "Child", "", "Hosting", "NL", "", "", "", "", "Nobody", ""],
        ["Telefonie", "Odd", "", "Hosting", "NL", "", "opslag", "", "misschien", "", ""],
        ["Telefonie", "Long", "x" * 201, "Hosting", "NL", "", "", "", "", "", "", "extra"],
    ]
    preview = upload(client, "zorgco", dutch_excel_csv(rows))
    body = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert _problems(body) == [
        ("3", "Sub-processor", "B3", "A duplicate of row 2."),
        ("4", "Purpose", "D4", "The purpose is missing."),
        (
            "4",
            "Country",
            "E4",
            "Unknown country 'Atlantis': give its ISO code (such as DE) or its name in English or Dutch.",
        ),
        (
            "5",
            "Transfer basis",
            "H5",
            "EU-US Privacy Shield (Decision 2016/1250) is not a valid basis: Invalidated by the Court of Justice of "
            "the EU on 16 July 2020 (C-311/18, Schrems II).",
        ),
        ("6", "Sub-processor", "B6", "A formula; type the value itself."),
        ("7", "Onward sub-processor of", "J7", "Unknown sub-processor 'Nobody': name one that another row lists."),
        ("8", "Role", "G8", "'opslag': the role is processing or back-up."),
        ("8", "DPA in place", "I8", "'misschien': write yes or no (ja or nee), or leave it empty."),
        ("9", "Legal name", "C9", "Longer than 200 characters."),
        ("9", "", "L9", "A value outside the template's columns; remove it."),
    ]
    assert "/import/confirm" not in body
    assert _count(Service, processor_id=zorgco.id) == 0 and _count(SubProcessor, processor_id=zorgco.id) == 0


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
    assert "/import/confirm" not in body


@pytest.mark.parametrize(
    "data,name,says",
    [
        (b"%PDF-1.4 \x00\x01\x02", "list.pdf", "This file is not a CSV or XLSX file."),
        ("Dienst;Subverwerker\nTelefonie;Müller".encode("cp1252"), "list.csv", "The file is not UTF-8"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "list.xls", "This is an old Excel file (.xls)."),
        (b"", "empty.csv", "The file is empty."),
        (b"Name;Land\nx;NL\n", "other.csv", "The first row must name the columns of the template"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_as_a_whole(client, users, login, zorgco, data, name, says):
    _editor(login, users)
    response = upload(client, "zorgco", data, name)
    assert response.status_code == 400
    assert says in text(parse(response.get_data(as_text=True)).find(".//*[@id='file-error']"))
    assert _count(Service, processor_id=zorgco.id) == 0


def test_a_20_mb_file_gets_a_413_that_says_what_to_do(client, users, login, zorgco):
    _editor(login, users)
    response = upload(client, "zorgco", b"a;b\n" * (5 * 1024 * 1024), "big.csv")
    assert response.status_code == 413
    assert "The file is larger than 4 MB, the most an import takes." in response.get_data(as_text=True)


def test_10000_rows_with_errors_show_the_first_200_and_count_the_rest(client, users, login, zorgco):
    import time

    _editor(login, users)
    rows = [["Telefonie", f"Cloud {n}", "", "", "NL", "", "", "", "", "", ""] for n in range(10_000)]
    started = time.monotonic()
    response = upload(client, "zorgco", dutch_excel_csv(rows))
    assert time.monotonic() - started < 20
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert len(_problems(body)) == 200 and _problems(body)[0] == ("2", "Purpose", "D2", "The purpose is missing.")
    assert "10000 problems: correct the file and upload it again. Nothing is stored." in body
    assert "… and 9800 more problems, not shown." in body


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


def test_an_xlsx_with_formula_cells_is_refused_cell_by_cell(client, users, login, zorgco):
    _editor(login, users)
    rows = [FIRST[0][:], FIRST[2][:]]
    rows[0][3] = '=CONCATENATE("Hos", "ting")'
    rows[1][4] = "=A1"
    body = upload(client, "zorgco", xlsx(rows), "list.xlsx").get_data(as_text=True)
    assert _problems(body) == [
        ("2", "Purpose", "D2", "A formula; type the value itself."),
        ("3", "Country", "E3", "A formula; type the value itself."),
    ]
    assert "/import/confirm" not in body


def _preview(client, data=None):
    body = upload(client, "zorgco", data or dutch_excel_csv(FIRST)).get_data(as_text=True)
    return confirm_fields(body)


def test_a_tampered_expired_or_foreign_confirmation_stores_nothing(client, users, login, zorgco):
    from ..clock import on

    new_processor(users.admin, "andere")
    _editor(login, users)
    fields = _preview(client)
    tampered = {
        **fields,
        "carried": fields["carried"][:-3] + ("AAA" if not fields["carried"].endswith("AAA") else "BBB"),
    }
    response = client.post("/admin/processors/zorgco/import/confirm", data=tampered)
    assert response.status_code == 400
    assert "The preview cannot be confirmed. Upload the file again." in response.get_data(as_text=True)
    with on(TODAY, 14):  # two hours later
        response = client.post("/admin/processors/zorgco/import/confirm", data=fields)
    assert response.status_code == 400
    assert "The preview is more than an hour old. Upload the file again." in response.get_data(as_text=True)
    # The same file previewed for zorgco, confirmed for another processor by an admin who may edit both.
    client.post("/logout")
    login(users.admin)
    admin_fields = _preview(client)
    response = client.post("/admin/processors/andere/import/confirm", data=admin_fields)
    assert response.status_code == 400 and "The preview cannot be confirmed." in response.get_data(as_text=True)
    # Nor another account's preview, for the same processor.
    response = client.post("/admin/processors/zorgco/import/confirm", data=fields)
    assert response.status_code == 400 and "The preview cannot be confirmed." in response.get_data(as_text=True)
    assert _count(Engagement, processor_id=zorgco.id) == 0 and _count(AuditEntry, action="registry.import") == 0


def test_an_editor_of_another_processor_gets_404_and_nothing_is_stored(client, users, login, zorgco):
    _editor(login, users)
    fields = _preview(client)
    vcare = db.session.scalar(select(Processor).filter_by(slug="vcare"))
    before = _count(Engagement, processor_id=vcare.id), _count(Announcement, processor_id=vcare.id)
    assert upload(client, "vcare", dutch_excel_csv(FIRST)).status_code == 404
    assert client.post("/admin/processors/vcare/import/confirm", data=fields).status_code == 404
    assert client.get("/admin/processors/vcare/import").status_code == 404
    assert client.get("/admin/processors/vcare/import/template.csv").status_code == 404
    assert client.get("/admin/processors/no-such-one/import").status_code == 404
    assert (_count(Engagement, processor_id=vcare.id), _count(Announcement, processor_id=vcare.id)) == before
    assert _count(AuditEntry, action="registry.import") == 0


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


def test_a_second_press_of_the_same_confirmation_imports_nothing(client, users, login, zorgco):
    _editor(login, users)
    fields = _preview(client)
    assert client.post("/admin/processors/zorgco/import/confirm", data=fields).status_code == 302
    second = client.post("/admin/processors/zorgco/import/confirm", data=fields)
    assert second.status_code == 400
    assert "Nothing to import: the registry already matches the file." in second.get_data(as_text=True)
    assert _count(AuditEntry, action="registry.import") == 1 and _count(Engagement, processor_id=zorgco.id) == 3


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
