"""Files and a new processor for the import tests: a CSV as Dutch Excel saves it, an XLSX written by openpyxl."""

from __future__ import annotations

import io

from openpyxl import Workbook
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import Processor, User
from registry.subprocessors import onboarding

from ..factories import make_user
from ..html import parse, text

DUTCH = [
    "Dienst",
    "Subverwerker",
    "Juridische naam",
    "Doel",
    "Land",
    "Plaats",
    "Rol",
    "Doorgiftegrondslag",
    "Verwerkersovereenkomst aanwezig",
    "Subverwerker van",
    "Bron",
]
ENGLISH = [
    "Service",
    "Sub-processor",
    "Legal name",
    "Purpose",
    "Country",
    "Place",
    "Role",
    "Transfer basis",
    "DPA in place",
    "Onward sub-processor of",
    "Source",
]


def row(cells: str) -> list[str]:
    """A row written as its cells joined by semicolons."""
    return cells.split(";")


# The first list of "Zorg & Co": 5 rows, 2 services, 3 sub-processors (one engaged by another), 4 locations.
FIRST = [
    row("Telefonie;Voorbeeld Cloud;Voorbeeld Cloud B.V.;Hosting;Nederland;Amsterdam;verwerking;;ja;;Bijlage 2"),
    row("Telefonie;Voorbeeld Cloud;Voorbeeld Cloud B.V.;Hosting;Duitsland;Frankfurt;back-up;;ja;;Bijlage 2"),
    row("Agenda;Voorbeeld Cloud;;Opslag;NL;Amsterdam;verwerking;;;;"),
    row("Agenda;Mailer Inc;Mailer Inc;Verzending van herinneringen;Verenigde Staten;;verwerking;SCC;nee;;"),
    row(";Backup Co;;Back-ups van Voorbeeld Cloud;Ierland;Dublin;back-up;;;Voorbeeld Cloud;"),
]


def dutch_excel_csv(rows, headers=DUTCH) -> bytes:
    """As Dutch Excel saves 'CSV UTF-8': a BOM, semicolons, CRLF line ends, quotes only where needed."""
    lines = [";".join(headers)] + [";".join(f'"{v}"' if ";" in v or '"' in v else v for v in row) for row in rows]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def xlsx(rows, headers=ENGLISH) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def new_processor(admin, slug: str = "zorgco") -> Processor:
    """A processor onboarded as the site admin does it (an empty registry, version 1), and its editor."""
    onboarding.create_processor(
        admin,
        {
            "name": f"Zorg {slug}",
            "legal_name": f"Zorg {slug} B.V.",
            "kvk_number": "12345678",
            "address": "Utrecht",
            "slug": slug,
        },
    )
    make_user(f"ed@{slug}.example.org", "editor", slug)
    return db.session.scalar(select(Processor).filter_by(slug=slug))


BOUNDARY = "----import-test-boundary"


def multipart(data: bytes, name: str) -> bytes:
    """The body a browser sends for the upload form. Encoded here, in memory: the test client would spool a
    large body to a temporary file that it never closes."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return head + data + f"\r\n--{BOUNDARY}--\r\n".encode()


def upload(client, slug: str, data: bytes, name: str = "subverwerkers.csv"):
    return client.post(
        f"/admin/processors/{slug}/import",
        data=multipart(data, name),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )


def confirm_fields(page: str) -> dict:
    """The hidden fields of the preview's confirm form."""
    form = [f for f in parse(page).iter("form") if f.get("action", "").endswith("/import/confirm")]
    assert form, "no confirm form on the preview"
    return {i.get("name"): i.get("value") for i in form[0].iter("input") if i.get("name")}


def editor(login, users, slug="zorgco"):
    login(db.session.scalar(select(User).filter_by(email=f"ed@{slug}.example.org")))


def problems(page: str) -> list[tuple[str, str, str, str]]:
    captions = ("Problems, by row", "Problemen, per rij")
    tables = [t for t in parse(page).iter("table") if text(t.find("caption")) in captions]
    if not tables:
        return []
    return [tuple(text(td) for td in tr.iter("td")) for tr in tables[0].find("tbody").iter("tr")]


def count_rows(model, **where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


def preview_fields(client, data=None):
    body = upload(client, "zorgco", data or dutch_excel_csv(FIRST)).get_data(as_text=True)
    return confirm_fields(body)
