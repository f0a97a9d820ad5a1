"""A processor's own face (/admin/processors/<slug>/profile, "Its own face"): an accent colour that white text
stays readable on, and a PNG or JPEG logo served from /processors/<slug>/logo; both on record, both shown in the
processor's mails."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import AuditEntry, Processor, ProcessorLogo

from ..html import field_errors

pytestmark = pytest.mark.usefixtures("clock")
FACE = "/admin/processors/vcare/profile/face"


def png(width=2, height=1) -> bytes:
    """A real PNG, written out chunk by chunk (signature, IHDR, IDAT, IEND)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x0b\x53\x94" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def post_face(client, colour="", logo: bytes | None = None, name="logo.png"):
    data = {"accent_colour": colour}
    if logo is not None:
        data["logo"] = (io.BytesIO(logo), name)
    return client.post(FACE, data=data, content_type="multipart/form-data")


def vcare() -> Processor:
    db.session.expire_all()
    return db.session.scalar(select(Processor).filter_by(slug="vcare"))


def actions() -> list[str]:
    query = select(AuditEntry.action).where(AuditEntry.action.like("processor.%")).order_by(AuditEntry.id)
    return list(db.session.scalars(query))


def test_an_editor_sets_the_colour_and_logo_on_record(client, users, login):
    login(users.vcare_editor)
    image = png()
    response = post_face(client, "#0B5394", image)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/processors/vcare/profile"
    assert vcare().accent_colour == "#0b5394"
    assert actions() == ["processor.accent", "processor.logo"]
    page = client.get("/admin/processors/vcare/profile").get_data(as_text=True)
    assert 'value="#0b5394"' in page and "/processors/vcare/logo?v=" in page
    client.post("/logout")
    served = client.get("/processors/vcare/logo")
    assert served.status_code == 200 and served.data == image and served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Security-Policy"] == "default-src 'none'"
    assert client.get("/processors/vcare/logo", headers={"If-None-Match": served.headers["ETag"]}).status_code == 304
    # The same colour and the same logo again: nothing new to record.
    login(users.vcare_editor)
    assert post_face(client, "#0b5394", image).status_code == 302
    assert actions() == ["processor.accent", "processor.logo"]


@pytest.mark.parametrize(
    ("colour", "logo", "field", "message"),
    [
        ("#777777", None, "accent_colour", "White text on #777777 has a contrast of 4.47:1; at least 4.5:1"),
        ("red", None, "accent_colour", "Give the colour as #rrggbb"),
        ("", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "logo", "must be a PNG or JPEG"),
        ("", b"\x89PNG\r\n\x1a\n" + b"\x00" * (200 * 1024), "logo", "larger than 200 KB"),
    ],
)
def test_a_refused_face_says_why_and_keeps_the_colour_typed(client, users, login, colour, logo, field, message):
    login(users.vcare_editor)
    response = post_face(client, colour, logo)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in field_errors(html).get(field, ""), field_errors(html)
    if colour:
        assert f'value="{colour}"' in html
    assert vcare().accent_colour is None and db.session.scalar(select(ProcessorLogo)) is None and not actions()


def test_the_logo_is_removed(client, users, login):
    login(users.admin)
    post_face(client, "", png())
    assert client.post("/admin/processors/vcare/profile/logo/remove").status_code == 302
    assert client.get("/processors/vcare/logo").status_code == 404
    assert actions() == ["processor.logo", "processor.logo_removed"]


@pytest.mark.parametrize(("actor", "status"), [("anonymous", 302), ("controller_a", 403), ("vtm_editor", 404)])
def test_nobody_else_changes_the_face(client, users, login, actor, status):
    if actor != "anonymous":
        login(getattr(users, actor))
    assert post_face(client, "#0b5394", png()).status_code == status
    assert client.post("/admin/processors/vcare/profile/logo/remove").status_code == status
    assert vcare().accent_colour is None and db.session.scalar(select(ProcessorLogo)) is None


def test_the_processors_mails_carry_its_colour_and_logo(app, client, users, login):
    from registry.models import OutboxMessage

    login(users.vcare_editor)
    post_face(client, "#1d6b2f", png())
    client.post("/logout")
    response = client.post("/processors/vcare/subscribe", data={"email": "lezer@example.org", "language": "en"})
    assert response.status_code in (200, 302)
    mail = db.session.scalars(select(OutboxMessage).filter_by(recipient="lezer@example.org")).first()
    html = mail.body.html
    assert "background-color: #1d6b2f" in html
    assert 'src="http://registry.test/processors/vcare/logo?v=' in html


def test_the_public_pages_show_the_face_and_only_when_there_is_one(client, users, login):
    plain = client.get("/processors/vcare/").get_data(as_text=True)
    assert "processor-face" not in plain and "face.css" not in plain
    assert client.get("/processors/vcare/face.css").status_code == 404
    login(users.vcare_editor)
    post_face(client, "#1d6b2f", png())
    client.post("/logout")
    for url in ["/processors/vcare/", "/processors/vcare/services/telefonie/", "/processors/vcare/changes/"]:
        page = client.get(url).get_data(as_text=True)
        assert '<link rel="stylesheet" href="/processors/vcare/face.css?v=1d6b2f">' in page, url
        assert 'class="processor-face processor-face-accent"' in page and 'alt="Logo of Vcare"' in page, url
    sheet = client.get("/processors/vcare/face.css?v=1d6b2f")
    assert sheet.mimetype == "text/css" and "background: #1d6b2f" in sheet.get_data(as_text=True)
    assert "immutable" in sheet.headers["Cache-Control"]
    assert "processor-face" not in client.get("/processors/vtm/").get_data(as_text=True)
