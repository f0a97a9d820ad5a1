"""Reading a spreadsheet: CSV as Excel writes it (comma, semicolon, BOM, sep= line), XLSX with formulas, dates and
numbers, and the files that are refused as a whole (not UTF-8, old .xls, not a spreadsheet, too long)."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from registry.exceptions import DomainError
from registry.imports.tables import MAX_ROWS, Column, column_letter, read_table
from registry.imports.templates import csv_template, xlsx_template

COLUMNS = [
    Column("name", "Name", "Naam", required=True),
    Column("country", "Country", "Land", required=True),
    Column("start", "Start date", "Startdatum"),
]


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def values(table):
    return [(row.number, {key: cell.value for key, cell in row.cells.items()}) for row in table.rows]


def test_column_letters():
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"
    ]  # fmt: skip


def test_a_dutch_excel_csv_semicolons_and_bom_with_dutch_headers():
    data = "\ufeffNaam;Land;Startdatum\r\nAmazon Web Services EMEA SARL;Luxemburg;1-1-2024\r\n".encode()
    table = read_table("lijst.csv", data, COLUMNS)
    assert table.kind == "csv" and table.headers == {"name": "A", "country": "B", "start": "C"}
    expected = {"name": "Amazon Web Services EMEA SARL", "country": "Luxemburg", "start": "1-1-2024"}
    assert values(table) == [(2, expected)]
    assert table.rows[0].ref("country") == "B2"


def test_comma_quotes_blank_lines_and_excels_sep_line():
    data = b'sep=,\nName,Country\n"Microsoft Ireland Operations Ltd, Dublin",IE\n\n,\nTwilio,US\n'
    table = read_table("list.csv", data, COLUMNS)
    # Line numbers count from the line after sep=; blank rows are left out but the numbers stay those of the file.
    assert values(table) == [
        (2, {"name": "Microsoft Ireland Operations Ltd, Dublin", "country": "IE"}),
        (5, {"name": "Twilio", "country": "US"}),
    ]


def test_unknown_headers_extra_cells_and_formula_text():
    data = b'Name;Notes;Country\nA;x;NL;surplus\n=HYPERLINK("http://evil");;DE\n'
    table = read_table("list.csv", data, COLUMNS)
    assert table.unknown_headers == ["Notes"]
    assert [cell.value for cell in table.rows[0].extra] == ["surplus"] and table.rows[0].extra[0].ref == "D2"
    assert table.rows[1].cells["name"].formula and not table.rows[0].cells["name"].formula


def test_missing_and_repeated_columns_are_refused():
    with pytest.raises(DomainError, match="missing: 'Country' / 'Land'"):
        read_table("list.csv", b"Name;Start date\nA;2024-01-01\n", COLUMNS)
    with pytest.raises(DomainError, match="'Naam' appears twice"):
        read_table("list.csv", b"Name;Country;Naam\nA;NL;B\n", COLUMNS)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"\n;\n;;\n", "The file is empty"),
        ("Naam;Land\nSociété Générale;Frankrijk\n".encode("cp1252"), "not UTF-8 .*line 2"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, r"old Excel file \(.xls\)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV or XLSX file"),
        (b"PK\x03\x04 not really a zip", "not a readable XLSX workbook"),
    ],
)
def test_files_that_are_refused_as_a_whole(data, message):
    with pytest.raises(DomainError, match=message) as error:
        read_table("upload", data, COLUMNS)
    assert error.value.field == "file"


def test_a_zip_that_is_not_a_workbook():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(DomainError, match="not a readable XLSX workbook"):
        read_table("list.xlsx", out.getvalue(), COLUMNS)


def test_too_many_rows_is_refused_before_any_row_is_checked():
    body = "".join(f"A{n};NL\n" for n in range(MAX_ROWS + 1))
    with pytest.raises(DomainError, match="more than 10000 rows"):
        read_table("big.csv", ("Name;Country\n" + body).encode(), COLUMNS)
    exactly = read_table("ok.csv", ("Name;Country\n" + body.split("\n", 1)[1]).encode(), COLUMNS)
    assert len(exactly.rows) == MAX_ROWS


def test_an_xlsx_with_dates_numbers_and_a_formula():
    data = xlsx(
        [
            ["Naam", "Land", "Startdatum"],
            ["KPN B.V.", "NL", datetime(2024, 3, 1)],
            [12345678, 31.0, date(2025, 1, 2)],
            ["=CONCAT(A2,B2)", "DE", None],
        ]
    )
    table = read_table("lijst.xlsx", data, COLUMNS)
    assert table.kind == "xlsx"
    assert values(table)[:2] == [
        (2, {"name": "KPN B.V.", "country": "NL", "start": "2024-03-01"}),
        (3, {"name": "12345678", "country": "31", "start": "2025-01-02"}),
    ]
    formula = table.rows[2].cells["name"]
    assert formula.formula and formula.ref == "A4"


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_templates_read_back(language):
    example = [{"name": "Voorbeeld B.V.", "country": "NL"}]
    for data in (csv_template(COLUMNS, example, language), xlsx_template(COLUMNS, example, language, "Sheet")):
        table = read_table("template", data, COLUMNS)
        assert values(table) == [(2, {"name": "Voorbeeld B.V.", "country": "NL", "start": ""})]
    assert csv_template(COLUMNS, [], "nl") == "\ufeffNaam;Land;Startdatum\r\n".encode()


def test_a_header_without_rows_is_a_table_of_no_rows():
    assert read_table("list.csv", b"Name;Country\n\n;\n", COLUMNS).rows == []
