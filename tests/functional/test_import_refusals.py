"""Bad input for the import of a processor's list: cells that are wrong (each named by row, column and cell),
files that cannot be read, a file too large, 10,000 rows with errors, and confirmations that are tampered with,
expired, foreign or pressed twice: a clear message, nothing stored."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import Announcement, AuditEntry, Engagement, Processor, Service, SubProcessor

from ..clock import TODAY
from ..html import parse, text
from .imports import FIRST, dutch_excel_csv, new_processor, upload, xlsx
from .imports import count_rows as _count
from .imports import editor as _editor
from .imports import preview_fields as _preview
from .imports import problems as _problems

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def zorgco(users):
    return new_processor(users.admin)


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


def test_a_second_press_of_the_same_confirmation_imports_nothing(client, users, login, zorgco):
    _editor(login, users)
    fields = _preview(client)
    assert client.post("/admin/processors/zorgco/import/confirm", data=fields).status_code == 302
    second = client.post("/admin/processors/zorgco/import/confirm", data=fields)
    assert second.status_code == 400
    assert "Nothing to import: the registry already matches the file." in second.get_data(as_text=True)
    assert _count(AuditEntry, action="registry.import") == 1 and _count(Engagement, processor_id=zorgco.id) == 3


@pytest.mark.parametrize(
    "basis,problem",
    [
        ("Standard contractual clauses (Decision (EU) 2021/914)", None),
        ("modelcontractbepalingen", None),
        ("BCR", None),
        ("", "United States is outside the EEA: no transfer basis stated."),
        (
            "Safe Harbor",
            "Safe Harbour (Decision 2000/520/EC) is not a valid basis: Invalidated by the Court of Justice of the EU "
            "on 6 October 2015 (C-362/14).",
        ),
        (
            "toestemming",
            "United States is outside the EEA: the controller's consent is not a transfer tool of GDPR chapter V; "
            "where the contract requires consent it is asked in addition to a tool.",
        ),
        (
            "adequacy",
            "United States is outside the EEA: Implementing Decision (EU) 2023/1795 (EU-US Data Privacy Framework) "
            "covers only organisations certified under the EU-US Data Privacy Framework, and no certification is "
            "recorded for this sub-processor.",
        ),
        ("Schrems", "Unknown transfer basis 'Schrems': adequacy, SCC, BCR or derogation (art. 49)."),
    ],
)
def test_the_transfer_basis_of_a_location_outside_the_eea(client, users, login, zorgco, basis, problem):
    _editor(login, users)
    rows = [FIRST[3][:]]  # Mailer Inc in the United States
    rows[0][7] = basis
    found = _problems(upload(client, "zorgco", dutch_excel_csv(rows)).get_data(as_text=True))
    assert found == ([] if problem is None else [("2", "Transfer basis", "H2", problem)])
