"""Contract import files that must be refused, wholly or per cell, with nothing stored: every problem named with
its cell, 10,000 rows of errors, files that cannot be read, 20 MB, a failure half-way, a carried file that is not
this preview's, another processor's editor, another processor's services. (The seed and demo data as in
test_contract_import.py.)"""

from __future__ import annotations

import re

import pytest

from registry.models import AuditEntry, CustomerContract, Organisation
from registry.subprocessors import customer_contracts

from .contract_files import (
    HEADER_NL,
    URL,
    X_REF,
    confirm,
    contract,
    count,
    dutch_excel,
    hidden,
    upload,
)

pytestmark = pytest.mark.usefixtures("clock")


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
    assert "The file is larger than 4 MB, the most an import takes." in response.get_data(as_text=True)


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
