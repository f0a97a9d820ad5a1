"""Files of the contract import as the tests write them (CSV as Dutch Excel saves it, XLSX by openpyxl), posted as
a browser posts them; and reading back what was stored."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import CustomerContract, Processor

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
