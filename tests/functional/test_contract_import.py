"""Customer contracts imported from a spreadsheet: the preview per row (new organisation, existing customer, new
contract, unchanged, changed with its changes), every problem with its cell, and the confirmation that stores it
all or nothing. Files are written by the test (CSV as Dutch Excel saves it, XLSX by openpyxl).

From the seed and demo data: Vcare has one terms version, "Verwerkersovereenkomst (seed 000)", and services such
as Telefonie diensten (telefonie), Operator (operator) and Back-Up (back-up); its only customer is Huisartsenpraktijk
X, with contract "VC-2024-0117 (telefonie en Operator)" from 2024-01-01, eight services, notices to
privacy@huisartsenpraktijk-x.example in English (the tests' conftest sets every demo contract to English). VTM's
only service is "IT & Telecom diensten" (it-telecom).
"""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import AuditEntry, CustomerContract, Organisation, Processor
from registry.subprocessors import customer_contracts, editing
from registry.subprocessors.seed_fields import TERMS_FIELDS

from .test_html import strict

pytestmark = pytest.mark.usefixtures("clock")

URL = "/admin/processors/vcare/contracts/import"
X_REF = "VC-2024-0117 (telefonie en Operator)"
HEADER_NL = "Organisatie;Kenmerk;Begindatum;Diensten;E-mail voor aankondigingen;Taal"
HEADER_EN = "Organisation,Contract reference,Start date,Services,Notice e-mail,Language"


def dutch_excel(*lines: str) -> bytes:
    """As Dutch Excel saves 'CSV UTF-8': a BOM, semicolons, CRLF line ends."""
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, data: bytes, name="contracten.csv", url=URL, **kwargs):
    """The file posted as a browser posts it (the body built here: the test client would spool a large one to
    a temporary file it never closes)."""
    boundary = "----registry-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}", **kwargs)


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]*)"', html).group(1)


def confirm(client, html: str, url=URL + "/confirm", **change):
    data = {"carried": hidden(html, "carried"), "fingerprint": hidden(html, "fingerprint"), **change}
    return client.post(url, data=data)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def contract(reference: str) -> CustomerContract | None:
    db.session.expire_all()
    return db.session.scalar(select(CustomerContract).filter_by(reference=reference))


def processor(slug: str) -> Processor:
    return db.session.scalar(select(Processor).filter_by(slug=slug))


def test_the_processor_page_links_to_the_import(client, users, login):
    login(users.vcare_editor)
    html = client.get("/admin/processors/vcare/").get_data(as_text=True)
    assert 'href="/admin/processors/vcare/contracts/import"' in html


def test_a_dutch_excel_file_is_previewed_then_imported_in_one_go(client, users, login):
    data = dutch_excel(
        HEADER_NL + ";E-mail privacyfunctionaris",
        'Tandarts Zuid;TZ-1;31-1-2024;"telefonie; Operator";privacy@tz.example;Nederlands;fg@tz.example',
        "Tandarts Zuid;TZ-2;01-02-2024;Back-Up;Notices@TZ.example;Engels;",
        f"Huisartsenpraktijk X;{X_REF};1-1-2024;telefonie|operator;privacy@huisartsenpraktijk-x.example;;",
        "huisartsenpraktijk x;X-2;2025-06-30;operator;privacy@huisartsenpraktijk-x.example;en;",
    )
    login(users.vcare_editor)
    contracts_before, organisations_before = count(CustomerContract), count(Organisation)
    response = upload(client, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    # Rows 2 and 3: one new organisation; row 4 is X's contract with fewer services; row 5 a new contract of X.
    assert "3 contracts to add" in html and "1 to change" in html and "0 unchanged" in html
    assert "1 new organisation" in html
    assert html.count("(new organisation)") == 2 and html.count("(existing customer)") == 2
    assert "fg@tz.example" in html
    assert "Number Entry" in html  # among the services row 4 takes away
    assert count(CustomerContract) == contracts_before  # a preview stores nothing

    response = confirm(client, html)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert count(CustomerContract) == contracts_before + 3
    assert count(Organisation) == organisations_before + 1
    tz1, tz2, x2 = contract("TZ-1"), contract("TZ-2"), contract("X-2")
    assert tz1.organisation is tz2.organisation and tz1.organisation.name == "Tandarts Zuid"
    assert tz1.start_date == date(2024, 1, 31) and tz2.start_date == date(2024, 2, 1)
    assert [s.key for s in tz1.services] == ["telefonie", "operator"]
    assert tz1.notice_language == "nl" and tz2.notice_language == "en"
    assert tz2.notice_email == "notices@tz.example"
    assert tz1.terms.version == "Verwerkersovereenkomst (seed 000)"
    assert x2.organisation.slug == "huisartsenpraktijk-x"
    x1 = contract(X_REF)
    assert [s.key for s in x1.services] == ["telefonie", "operator"]
    actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(5)))
    assert actions == ["contracts.import", "contract.create", "contract.update", "contract.create", "contract.create"]
    entry = db.session.scalar(select(AuditEntry).filter_by(action="contracts.import"))
    assert {k: entry.details[k] for k in ("file", "created", "updated", "unchanged", "organisations")} == {
        "file": "contracten.csv",
        "created": 3,
        "updated": 1,
        "unchanged": 0,
        "organisations": 1,
    }

    # The same file again: nothing to import, and no confirm button.
    html = upload(client, data).get_data(as_text=True)
    assert "0 contracts to add" in html and "4 unchanged" in html
    assert "Nothing to import" in html and 'name="carried"' not in html


def test_an_xlsx_written_by_openpyxl_with_english_headers_and_dates(client, users, login):
    data = xlsx(
        [
            ["Organisation", "Contract reference", "Start date", "Services", "Notice e-mail", "Language"],
            ["Fysio Oost", "FO-7", date(2024, 3, 15), "Operator, Back-Up", "privacy@fysio.example", "English"],
        ]
    )
    login(users.vcare_editor)
    html = upload(client, data, "contracts.xlsx").get_data(as_text=True)
    assert "1 contract to add" in html
    assert confirm(client, html).status_code == 302
    made = contract("FO-7")
    assert made.start_date == date(2024, 3, 15) and made.notice_language == "en"
    assert [s.key for s in made.services] == ["operator", "back-up"]


def test_a_formula_in_an_xlsx_cell_is_a_problem_not_a_value(client, users, login):
    data = xlsx(
        [
            ["Organisation", "Contract reference", "Start date", "Services", "Notice e-mail"],
            ["Fysio Oost", "FO-7", "=TODAY()", "Operator", '=HYPERLINK("http://evil.example","privacy@fysio.example")'],
        ]
    )
    login(users.vcare_editor)
    html = upload(client, data, "contracts.xlsx").get_data(as_text=True)
    assert "Cell C2 holds a formula" in html and "Cell E2 holds a formula" in html
    assert "2 problems" in html and 'name="carried"' not in html


def test_a_second_confirmation_of_one_preview_has_nothing_to_import(client, users, login):
    data = dutch_excel(HEADER_NL, "A;R1;2024-01-01;operator;a@a.example;nl")
    login(users.vcare_editor)
    html = upload(client, data).get_data(as_text=True)
    assert confirm(client, html).status_code == 302
    response = confirm(client, html)
    assert response.status_code == 400
    assert "Nothing to import: every contract in the file" in response.get_data(as_text=True)
    imports = db.session.scalar(select(func.count()).select_from(AuditEntry).filter_by(action="contracts.import"))
    assert imports == 1


PROBLEMS = [
    # (cell, the row as written after the header, the words the problem must hold)
    ("D2", "A;R1;2024-01-01;Sauna;a@a.example;nl", "Vcare has no service 'Sauna'"),
    ("B3", "A;;2024-01-01;operator;a@a.example;nl", "Cell B3 is empty"),
    ("C4", "A;R4;31-2-2024;operator;a@a.example;nl", "'31-2-2024' is not a day"),
    ("E5", "A;R5;2024-01-01;operator;not-an-address;nl", "Not a valid e-mail address"),
    ("F6", "A;R6;2024-01-01;operator;a@a.example;Deutsch", "'Deutsch' is not a language"),
    ("B7", "A;R1;2024-01-02;operator;a@a.example;nl", "in row 2 already"),
    ("C8", "A;R8;=TODAY();operator;a@a.example;nl", "Cell C8 holds a formula"),
    ("G9", "A;R9;2024-01-01;operator;a@a.example;nl;extra", "Cell G9 lies outside"),
]


def test_every_problem_is_named_with_its_cell_and_nothing_can_be_confirmed(client, users, login):
    data = dutch_excel(HEADER_NL, *(row for _cell, row, _words in PROBLEMS))
    login(users.vcare_editor)
    response = upload(client, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    found = dict(re.findall(r'<tr><th scope="row">([A-Z]+\d+)</th><td>([^<]*)</td></tr>', html))
    # Row 2 (R1) is otherwise fine, so row 7 repeats its reference; every other row has one problem.
    assert set(found) == {cell for cell, _row, _words in PROBLEMS}
    for cell, _row, words in PROBLEMS:
        assert words in found[cell].replace("&#39;", "'"), (cell, found[cell])
    assert "8 problems" in html
    assert 'name="carried"' not in html


def test_another_processors_services_are_unknown_here(client, users, login):
    data = dutch_excel(HEADER_NL, "A;R1;2024-01-01;IT & Telecom diensten;a@a.example;nl")
    login(users.vcare_editor)
    html = upload(client, data).get_data(as_text=True)
    assert "Vcare has no service &#39;IT &amp; Telecom diensten&#39;" in html


def test_a_contract_stays_with_its_organisation(client, users, login):
    data = dutch_excel(HEADER_NL, f"Praktijk B;{X_REF};2024-01-01;operator;a@a.example;nl")
    login(users.vcare_editor)
    html = upload(client, data).get_data(as_text=True)
    assert "is Huisartsenpraktijk X&#39;s: a contract stays with the organisation" in html
    assert '<th scope="row">A2</th>' in html


def test_ten_thousand_rows_with_errors_list_the_first_two_hundred(client, users, login):
    rows = [f"A;R{n};2024-01-01;Sauna;a@a.example;nl" for n in range(10_000)]
    data = dutch_excel(HEADER_NL, *rows)
    assert len(data) < 1024 * 1024
    login(users.vcare_editor)
    response = upload(client, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "10000 problems" in html.replace(",", "").replace(".", "")
    assert "The first 200 are listed" in html
    assert html.count("has no service &#39;Sauna&#39;") == 200
    assert '<th scope="row">D201</th>' in html and "D202" not in html


@pytest.mark.parametrize(
    "data,words",
    [
        (b"\x00\x01\x02binary", "not a CSV or XLSX file"),
        (HEADER_NL.encode() + b"\r\nCaf\xe9;R;2024-01-01;operator;a@a.example;nl\r\n", "not UTF-8"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "old Excel file"),
        (b"PK\x03\x04 not really a workbook", "not a readable XLSX workbook"),
        (b"", "The file is empty"),
        (b"Naam;Land\r\nA;NL\r\n", "missing: &#39;Organisation&#39;"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(client, users, login, data, words):
    login(users.vcare_editor)
    response = upload(client, data)
    assert response.status_code == 400
    assert words in response.get_data(as_text=True)


def test_a_twenty_megabyte_file_gets_413_with_a_clear_message(client, users, login):
    login(users.vcare_editor)
    response = upload(client, b"x" * (20 * 1024 * 1024))
    assert response.status_code == 413
    assert "The file is larger than 1 MB. Split it into smaller files." in response.get_data(as_text=True)


def _add_by_form(editor, reference: str, name: str = "Praktijk Anders"):
    vcare = processor("vcare")
    return editing.save_contract(
        editor,
        vcare,
        None,
        {
            "organisation_name": name,
            "reference": reference,
            "start_date": date(2024, 1, 1),
            "terms_id": vcare.contract_terms[0].id,
            "service_ids": [vcare.services[0].id],
            "notice_email": "privacy@anders.example",
            "notice_language": "nl",
        },
    )


def test_a_confirmation_whose_data_changed_shows_the_new_preview(client, users, login):
    data = dutch_excel(HEADER_NL, "A;R1;2024-01-01;operator;a@a.example;nl", "A;R2;2024-01-01;operator;a@a.example;nl")
    login(users.vcare_editor)
    html = upload(client, data).get_data(as_text=True)
    assert "2 contracts to add" in html
    _add_by_form(users.vcare_editor, "R2", name="A")  # meanwhile a colleague adds R2 by the form, as the file has it
    before = count(CustomerContract)
    response = confirm(client, html)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "The contracts changed since the preview" in html
    assert "1 contract to add" in html and "1 to change" in html  # R2 differs from the file in its services
    assert count(CustomerContract) == before
    assert confirm(client, html).status_code == 302  # the new preview can be confirmed
    assert count(CustomerContract) == before + 1


def test_a_failure_stores_nothing_at_all(client, users, login, monkeypatch):
    """The last row fails while being stored: the rows before it are not kept either."""
    rows = [f"Praktijk {n};R{n};2024-01-01;operator;a@a.example;nl" for n in range(1, 6)]
    data = dutch_excel(HEADER_NL, *rows)
    login(users.vcare_editor)
    html = upload(client, data).get_data(as_text=True)
    real, calls = customer_contracts.store, []

    def failing(actor, processor, contract, values, organisation=None):
        calls.append(values["reference"])
        if values["reference"] == "R5":
            raise RuntimeError("the database went away")
        return real(actor, processor, contract, values, organisation)

    monkeypatch.setattr(customer_contracts, "store", failing)
    before = (count(CustomerContract), count(Organisation), count(AuditEntry))
    monkeypatch.setitem(client.application.config, "PROPAGATE_EXCEPTIONS", False)
    response = confirm(client, html)
    assert response.status_code == 500 and calls == ["R1", "R2", "R3", "R4", "R5"]
    assert (count(CustomerContract), count(Organisation), count(AuditEntry)) == before


@pytest.mark.parametrize("tamper", ["changed", "expired", "other processor", "other user"])
def test_a_carried_file_that_is_not_this_previews_is_refused(client, users, login, tamper):
    data = dutch_excel(HEADER_NL, "A;R1;2024-01-01;operator;a@a.example;nl")
    login(users.vcare_editor)
    html = upload(client, data).get_data(as_text=True)
    token, url = hidden(html, "carried"), URL + "/confirm"
    if tamper == "changed":
        token = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    elif tamper == "expired":
        from tests.clock import TODAY, on

        with on(TODAY, 14):
            response = confirm(client, html)
            assert response.status_code == 400
            assert "more than an hour old" in response.get_data(as_text=True)
            assert contract("R1") is None
            return
    elif tamper == "other processor":
        client.post("/logout")
        login(users.admin)
        html = upload(client, data).get_data(as_text=True)
        token, url = hidden(html, "carried"), "/admin/processors/vtm/contracts/import/confirm"
    else:
        client.post("/logout")
        login(users.admin)
    response = client.post(url, data={"carried": token, "fingerprint": hidden(html, "fingerprint")})
    assert response.status_code == 400
    assert "The preview cannot be confirmed. Upload the file again." in response.get_data(as_text=True)
    assert contract("R1") is None


def test_an_editor_of_another_processor_gets_404_and_nothing_is_stored(client, users, login):
    data = dutch_excel(HEADER_NL, "A;R1;2024-01-01;operator;a@a.example;nl")
    login(users.vcare_editor)
    html = upload(client, data).get_data(as_text=True)
    client.post("/logout")
    login(users.vtm_editor)
    assert upload(client, data).status_code == 404
    assert confirm(client, html).status_code == 404
    assert client.get(URL + "/template.csv").status_code == 404
    assert contract("R1") is None


def test_a_processor_with_several_terms_versions_needs_the_version_named(client, users, login):
    vcare = processor("vcare")
    seeded = vcare.contract_terms[0]
    values = {name: getattr(seeded, name) for name in TERMS_FIELDS}
    values.update(version="2027", effective_from=date(2027, 1, 1))
    editing.save_terms(users.vcare_editor, vcare, None, values)
    header = HEADER_NL + ";Contractvoorwaarden"
    data = dutch_excel(
        header,
        "A;R1;2024-01-01;operator;a@a.example;nl;",
        "A;R2;2024-01-01;operator;a@a.example;nl;2026",
        "A;R3;2024-01-01;operator;a@a.example;nl;2027",
    )
    login(users.vcare_editor)
    html = upload(client, data).get_data(as_text=True)
    assert "Name the version of the contract terms: Vcare has more than one." in html
    assert "Vcare has no contract terms version &#39;2026&#39;." in html
    assert '<th scope="row">G2</th>' in html and '<th scope="row">G3</th>' in html
    assert "2 problems" in html and "1 contract to add" in html


@pytest.mark.parametrize("lang,header", [("en", "Organisation;Contract reference;Start date"), ("nl", HEADER_NL[:40])])
def test_the_templates_in_both_languages(client, users, login, lang, header):
    login(users.vcare_editor)
    response = client.get(URL + "/template.csv", query_string={"lang": lang})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8-sig")
    assert text.startswith(header)
    assert len(text.strip().splitlines()) == 2  # the header and one example row
    # Its example row names two of Vcare's own services: the template imports as it comes.
    assert "Telefonie diensten; Systeem logging" in text
    html = upload(client, response.get_data()).get_data(as_text=True)
    assert "1 contract to add" in html and 'name="carried"' in html
    response = client.get(URL + "/template.xlsx", query_string={"lang": lang})
    assert response.status_code == 200 and response.get_data().startswith(b"PK")
    html = upload(client, response.get_data(), "template.xlsx").get_data(as_text=True)
    assert "1 contract to add" in html and 'name="carried"' in html
    assert client.get(URL + "/template.pdf").status_code == 404


def test_the_import_reads_in_dutch(client, users, login):
    dutch = {"Accept-Language": "nl"}
    login(users.vcare_editor)
    page = client.get(URL, headers=dutch).get_data(as_text=True)
    for text in ["Klantovereenkomsten importeren", "Excel, Nederlandse kolomkoppen", "Voorbeeld tonen"]:
        assert text in page, text
    data = dutch_excel(HEADER_NL, "A;R1;2024-01-01;Sauna;a@a.example;nl", "B;R2;1-2-2024;operator;b@b.example;")
    page = upload(client, data, headers=dutch).get_data(as_text=True)
    for text in [
        "1 probleem: er kan niets worden geïmporteerd tot het is opgelost.",
        "Vcare heeft geen dienst &#39;Sauna&#39;",
        "Problemen in het bestand",
        "1 overeenkomst toe te voegen",
        "nieuwe organisatie",
    ]:
        assert text in page, text
    assert "Problems in the file" not in page and "contract to add" not in page


def test_the_import_pages_are_valid_html(client, users, login):
    login(users.vcare_editor)
    strict(client.get(URL).get_data(as_text=True), URL)
    problems = dutch_excel(HEADER_NL, "A;R1;2024-01-01;Sauna;a@a.example;nl;extra")
    strict(upload(client, problems).get_data(as_text=True), "a preview with problems")
    changes = dutch_excel(
        HEADER_NL + ";E-mail privacyfunctionaris",
        f"Huisartsenpraktijk X;{X_REF};2024-01-02;operator;privacy@huisartsenpraktijk-x.example;nl;fg@x.example",
        "Nieuw;N1;2024-01-01;operator;a@a.example;nl;",
    )
    html = upload(client, changes).get_data(as_text=True)
    strict(html, "a preview with changes")
    assert "Start date: 2024-01-01 → 2024-01-02" in html
    print(re.search(r"will be changed:.*?</ul>", html, re.S).group(0))
    assert "Language: en → nl" in html
    assert "Services: Telefonie diensten, Systeem logging," in html and "Back-Up → Operator</li>" in html
