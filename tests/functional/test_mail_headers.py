"""The headers a reader sees first: the sender's name (the processor's, through the registry) and the subject,
written so that they decode to exactly what was meant, whatever a name holds; one styled mail over real SMTP."""

from email import policy
from email.parser import BytesParser

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.mail import password_reset, subscriptions
from registry.mail.delivery import deliver
from registry.mail.messages import Renderer
from registry.models import MailBody, OutboxMessage

from ..html import parse, text
from .mail_journey import READER, by_class, inline_styles_everywhere, read
from .portal import announce, contract, processor

pytestmark = pytest.mark.usefixtures("clock")

NOTICE = "privacy@huisartsenpraktijk-x.example"
# Accents, a quote, an angle-bracketed address and a line break with a header after it.
HOSTILE = 'Zoë "Q" <spy@evil.example>\r\nBcc: spy@evil.example'
# A name whose subject Flask-Mail's own encoding (email.header.Header) folded into "Co öperatieBelgië(privé, één)".
LONG_DUTCH = "Spraakherkenning en Gegevensopslag voor Huisartsen Coöperatie België (privé, één)"


def queued(kind: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).filter_by(kind=kind).order_by(OutboxMessage.id)))


def headers_of(raw: bytes) -> str:
    return raw.split(b"\r\n\r\n", 1)[0].decode("ascii")  # non-ASCII only as RFC 2047 encoded words


def test_the_processor_is_the_sender_name_and_a_hostile_name_stays_one_name(app, users):
    vcare = processor("vcare")
    vcare.name = HOSTILE  # stored before any check, as an old row could be
    db.session.commit()
    subscriptions.subscribe(vcare, READER, "en", [])
    [row] = queued("subscription")
    raw = Renderer().message_bytes(row.body, row.recipient, row.message_id, row.manage_url)
    header = headers_of(raw)
    assert "\r\nBcc:" not in header and "spy@evil.example>" not in header.split("\r\nTo:")[0].split("From:")[0]
    message = BytesParser(policy=policy.default).parsebytes(raw)
    [sender] = message["From"].addresses
    assert sender.addr_spec == "registry@localhost"
    assert sender.display_name == 'Zoë "Q" <spy@evil.example> Bcc: spy@evil.example via Sub-processor Registry'
    assert message["Bcc"] is None and message["To"] == READER
    html = parse(message.get_body(("html",)).get_content())
    [brand] = by_class(html, "brand")
    assert text(brand) == 'Zoë "Q" <spy@evil.example> Bcc: spy@evil.example'  # shown as text, not markup
    assert not any(isinstance(e.tag, str) and e.tag.startswith("spy") for e in html.iter())


def dutch_notices():
    contract().notice_language = "nl"
    db.session.commit()


def test_a_hostile_organisation_name_is_greeted_as_text(app, users):
    dutch_notices()
    contract().organisation.name = "<script>alert(1)</script> & Co"
    db.session.commit()
    announce(users.vcare_editor)
    [row] = queued("contract_announcement")
    html = parse(read(row).get_body(("html",)).get_content())
    [greeting] = by_class(html, "greeting")
    assert text(greeting) == "Beste privacyfunctionaris van <script>alert(1)</script> & Co,"
    assert not list(html.iter("script"))


def test_account_mail_is_from_the_registry_or_the_name_configured_with_the_address(app, users, monkeypatch):
    password_reset.request_reset(users.controller_a.email, "nl")
    [row] = queued("password_reset")
    assert str(read(row)["From"]) == "Register van subverwerkers <registry@localhost>"
    monkeypatch.setitem(app.config, "MAIL_DEFAULT_SENDER", "Privacy Desk <desk@registry.example>")
    subscriptions.subscribe(processor("vcare"), READER, "en", [])
    password_reset.request_reset(users.vcare_editor.email, "en")
    assert str(read(queued("password_reset")[1])["From"]) == "Privacy Desk <desk@registry.example>"
    assert str(read(queued("subscription")[0])["From"]) == "Vcare via Privacy Desk <desk@registry.example>"


def test_a_long_dutch_subject_decodes_to_exactly_its_text(app, users):
    dutch_notices()
    announce(users.vcare_editor, name=LONG_DUTCH)
    [row] = queued("contract_announcement")
    subject = f"Vcare zet {LONG_DUTCH} in voor Operator vanaf 15 januari 2027"
    assert row.body.subject == subject
    raw = Renderer().message_bytes(row.body, row.recipient, row.message_id, row.manage_url)
    assert all(len(line) <= 78 for line in headers_of(raw).split("\r\n"))  # folded, as RFC 5322 asks
    assert BytesParser(policy=policy.default).parsebytes(raw)["Subject"] == subject


def test_a_styled_mail_arrives_over_smtp_as_written(app, users, smtp):
    dutch_notices()
    announce(users.vcare_editor, name=LONG_DUTCH)
    with smtp() as server:
        report = deliver("test", once=True)
    assert (report.sent, report.failed) == (1, 0)
    [message] = server.handler.messages  # parsed by the server with the email package's default policy
    assert message["Subject"] == f"Vcare zet {LONG_DUTCH} in voor Operator vanaf 15 januari 2027"
    assert str(message["From"]) == "Vcare via Register van subverwerkers <registry@localhost>"
    html_part = message.get_body(("html",))
    assert html_part.get_content_charset() == "utf-8"
    html = parse(html_part.get_content())
    inline_styles_everywhere(html)
    [button] = by_class(html, "button")
    assert text(button) == "Bezwaar maken in het portaal"  # within the EEA: Vcare art. 5.2, objection
    [stored] = db.session.scalars(select(MailBody))
    assert max(len(line) for line in stored.html.split("\n")) <= 900  # SMTP's 998 with room to spare
