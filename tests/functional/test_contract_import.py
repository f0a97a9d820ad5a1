"""Customer contracts imported from a spreadsheet: the preview per row (new organisation, existing customer, new
contract, unchanged, changed with its changes), every problem with its cell, and the confirmation that stores it
all or nothing. Files are written by the test (CSV as Dutch Excel saves it, XLSX by openpyxl).

From the seed and demo data: Vcare has one terms version, "Verwerkersovereenkomst Vcareconnect B.V.", and services such
as Telefonie diensten (telefonie), Operator (operator) and Back-Up (back-up); its only customer is Huisartsenpraktijk
X, with contract "VC-2024-0117 (telefonie en Operator)" from 2024-01-01, eight services, notices to
privacy@huisartsenpraktijk-x.example in English (the tests' conftest sets every demo contract to English). VTM's
only service is "IT & Telecom diensten" (it-telecom).
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import AuditEntry, CustomerContract, Organisation
from registry.subprocessors import editing
from registry.subprocessors.seed_fields import TERMS_FIELDS

from .contract_files import (
    HEADER_NL,
    URL,
    X_REF,
    confirm,
    contract,
    count,
    dutch_excel,
    processor,
    upload,
    xlsx,
)
from .test_html import strict

pytestmark = pytest.mark.usefixtures("clock")


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
    assert tz1.terms.version == "Verwerkersovereenkomst Vcareconnect B.V."
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
    assert "Language: en → nl" in html
    assert "Services: Telefonie diensten, Systeem logging," in html and "Back-Up → Operator</li>" in html


def test_the_privacy_officers_named_in_the_file_are_invited_once_each(client, users, login):
    """Three rows name fg@tz.example for two contracts of one new organisation and a third address for another:
    two invitations (fg@tz.example once, for Tandarts Zuid; dpo@noord.example for Tandarts Noord); the address of
    the demo controller user, a user of Huisartsenpraktijk X already, is left out with the reason."""
    from registry.models import Invitation, OutboxMessage

    data = dutch_excel(
        HEADER_NL + ";E-mail privacyfunctionaris",
        "Tandarts Zuid;TZ-1;31-1-2024;telefonie;privacy@tz.example;Nederlands;fg@tz.example",
        "Tandarts Zuid;TZ-2;01-02-2024;Back-Up;privacy@tz.example;Nederlands;FG@tz.example",
        "Tandarts Noord;TN-1;01-03-2024;operator;privacy@tn.example;Engels;dpo@noord.example",
        "Huisartsenpraktijk X;X-9;2025-06-30;operator;privacy@huisartsenpraktijk-x.example;en;"
        + users.controller_a.email,
    )
    login(users.vcare_editor)
    html = upload(client, data).get_data(as_text=True)
    [tick] = re.findall(r'<input[^>]*name="invite"[^>]*>', html)
    assert "checked" in tick  # ticked when the file names privacy officers
    response = confirm(client, html, invite="y")
    assert response.status_code == 302
    invited = db.session.scalars(select(Invitation).order_by(Invitation.email)).all()
    assert [(i.email, i.organisation.name, i.role) for i in invited] == [
        ("dpo@noord.example", "Tandarts Noord", "controller"),
        ("fg@tz.example", "Tandarts Zuid", "controller"),
    ]
    mails = db.session.scalars(select(OutboxMessage).filter_by(kind="invitation").order_by(OutboxMessage.recipient))
    assert [m.recipient for m in mails] == ["dpo@noord.example", "fg@tz.example"]
    page = client.get("/admin/processors/vcare/").get_data(as_text=True)
    assert "Privacy officers invited: 2." in page
    assert f"Not invited: {users.controller_a.email} (a user of Huisartsenpraktijk X already)." in page


def test_without_the_tick_nobody_is_invited(client, users, login):
    from registry.models import Invitation

    data = dutch_excel(
        HEADER_NL + ";E-mail privacyfunctionaris",
        "Tandarts Zuid;TZ-1;31-1-2024;telefonie;privacy@tz.example;Nederlands;fg@tz.example",
    )
    login(users.vcare_editor)
    html = upload(client, data).get_data(as_text=True)
    assert confirm(client, html).status_code == 302
    assert count(Invitation) == 0 and contract("TZ-1") is not None
