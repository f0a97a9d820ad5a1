"""The registry's CSV as Dutch Excel opens it (UTF-8 BOM, `?sep=semicolon`) and its XLSX, read back with
openpyxl. Expected rows from seed/vcare.yaml: Sendi's sub-processors are Micros and Medi-Link (Bijlage A)."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from registry.extensions import db
from registry.models import Engagement, Location, Processor, Service, SubProcessor

from ..html import parse, texts

pytestmark = pytest.mark.usefixtures("clock")
HEADER = [
    "processor",
    "service_key",
    "service",
    "sub_processor",
    "parent_sub_processor",
    "purpose",
    "locations",
    "outside_eea",
    "transfer_bases",
    "dpa_in_place",
    "source",
    "engaged_from",
    "engaged_until",
    "registry_date",
]
FORMULA = '=HYPERLINK("http://evil.example","click")'


def _formula_sub_processor():
    vtm = db.session.scalar(select(Processor).filter_by(slug="vtm"))
    sp = SubProcessor(processor_id=vtm.id, key="formula", name=FORMULA)
    db.session.add(sp)
    db.session.flush()
    db.session.add(Location(sub_processor_id=sp.id, country_code="NL", valid_from=date(2026, 1, 1)))
    service = db.session.scalar(select(Service).filter_by(processor_id=vtm.id))
    db.session.add(
        Engagement(
            processor_id=vtm.id,
            service_id=service.id,
            sub_processor_id=sp.id,
            valid_from=date(2026, 1, 1),
            purpose="@x",
        )
    )
    db.session.commit()


def test_csv_starts_with_the_bom_and_keeps_commas_by_default(client):
    response = client.get("/processors/vcare/registry.csv?at=2026-11-22")
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbfprocessor,service_key,")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    assert sorted(r[3] for r in rows if r[1] == "sendi") == ["Medi-Link", "Micros"]


def test_csv_with_semicolons_for_dutch_excel(client):
    response = client.get("/processors/vcare/registry.csv?at=2026-11-22&sep=semicolon")
    assert response.status_code == 200
    assert 'filename="vcare-registry-2026-11-22.csv"' in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbfprocessor;service_key;service;")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == HEADER
    sendi = [r for r in rows if r[1] == "sendi"]
    assert sorted(r[3] for r in sendi) == ["Medi-Link", "Micros"] and {r[13] for r in sendi} == {"2026-11-22"}
    # Bijlage B's description holds commas: quoted with commas, left as it is with semicolons.
    lines = body.decode().splitlines()
    assert any(";Support: Ticket- en klachtenafhandeling (alle diensten), Number Entry" in line for line in lines)


@pytest.mark.parametrize("sep", ["tab", ";", "SEMICOLON", "x" * 5000])
def test_an_unknown_separator_is_refused(client, sep):
    response = client.get(f"/processors/vcare/registry.csv?sep={sep}")
    assert response.status_code == 400
    assert "'sep' is 'comma' (the default) or 'semicolon'." in texts(response.get_data(as_text=True), "p")


def test_formulas_stay_text_in_csv_with_semicolons(client):
    _formula_sub_processor()
    text = client.get("/processors/vtm/registry.csv?sep=semicolon").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    [row] = [r for r in rows if FORMULA in r[3]]
    assert row[3] == "'" + FORMULA and row[5] == "'@x"


def test_xlsx_has_the_csv_columns_and_rows(client):
    response = client.get("/processors/vcare/registry.xlsx?at=2026-11-22")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"] == 'attachment; filename="vcare-registry-2026-11-22.xlsx"'
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADER
    as_csv = client.get("/processors/vcare/registry.csv?at=2026-11-22").get_data(as_text=True)
    csv_rows = list(csv.reader(io.StringIO(as_csv.lstrip("\ufeff"))))
    assert rows == csv_rows  # the same table (no formula cell in the seed: nothing the CSV escapes)
    assert sorted(r[3] for r in rows if r[1] == "sendi") == ["Medi-Link", "Micros"]


def test_xlsx_writes_formulas_as_text(client):
    _formula_sub_processor()
    workbook = load_workbook(io.BytesIO(client.get("/processors/vtm/registry.xlsx").get_data()))
    [row] = [row for row in workbook.active.iter_rows() if row[3].value == FORMULA]
    assert row[3].data_type == "s" and row[5].value == "@x" and row[5].data_type == "s"


def test_xlsx_of_an_unknown_processor_or_bad_day(client):
    assert client.get("/processors/nope/registry.xlsx").status_code == 404
    assert client.get("/processors/vcare/registry.xlsx?at=2026-02-30").status_code == 400


def test_the_registry_page_links_both(client):
    page = client.get("/processors/vcare/?at=2026-11-22").get_data(as_text=True)
    links = {a.get("href") for a in parse(page).iter("a")}
    assert {
        "/processors/vcare/registry.csv?at=2026-11-22",
        "/processors/vcare/registry.csv?at=2026-11-22&sep=semicolon",
        "/processors/vcare/registry.xlsx?at=2026-11-22",
    } <= links
