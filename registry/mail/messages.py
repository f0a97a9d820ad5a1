"""Building e-mail messages with Flask-Mail's Message: the MIME bytes the worker sends, one build per body.

The only module that uses Flask-Mail (besides extensions.py, which registers the Mail extension whose settings
Message reads). Delivery does not use Flask-Mail's connection: see delivery.py and the README."""

from __future__ import annotations

from email import policy
from email.utils import make_msgid, parseaddr
from functools import lru_cache
from urllib.parse import urlsplit

from flask import current_app
from flask_mail import Message

from registry.mail.composing import MANAGE_PLACEHOLDER
from registry.mail.headers import from_header, subject_header
from registry.models import MailBody, OutboxMessage


def site_domain() -> str:
    return _hostname(current_app.config["BASE_URL"])


@lru_cache(maxsize=8)
def _hostname(base_url: str) -> str:
    return urlsplit(base_url).hostname or "localhost"


def new_message_id() -> str:
    """A Message-ID fixed when the message is queued, in the site's domain (RFC 5322 3.6.4, by the standard
    library: the time, the process and 64 random bits)."""
    return make_msgid(domain=site_domain())


_TO, _ID = "%%RECIPIENT%%", "%%MESSAGE-ID%%"


def _slash(url: str | None) -> str | None:
    """Manage links end in '/', so that '<manage>unsubscribe' is the one-click address."""
    return url if url is None or url.endswith("/") else url + "/"


class _Message(Message):
    """Flask-Mail's Message, with the two headers a reader sees first written by headers.py: Flask-Mail's encoding
    (email.header.Header) can split a word or lose the space between two, and so can the email policy's folding."""

    def __init__(self, *, sender: tuple[str, str], **parts):
        super().__init__(sender=sender, **parts)  # which keeps it as the string "name <address>"
        self.written = {"Subject": subject_header(self.subject), "From": from_header(*sender)}

    def _message(self):
        mime = super()._message()
        # Stored as written (compat32 keeps a string as it is), and written out so by email.policy.SMTP: its lines
        # fit already, so the policy does not fold them again.
        mime.policy = policy.compat32
        for name, value in self.written.items():
            if value:
                mime.replace_header(name, value)
        mime.policy = policy.SMTP
        return mime


def sender(name: str | None) -> tuple[str, str]:
    """(display name, address) of the From header: MAIL_DEFAULT_SENDER's address, with `name` (one line) or else
    the display name configured with it."""
    configured, address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    return " ".join((name or configured).split()), address


def _compose(body: MailBody, recipient: str, message_id: str, manage_url: str | None) -> Message:
    headers = {"Auto-Submitted": "auto-generated"}
    if manage_url:
        headers["List-Unsubscribe"] = f"<{manage_url}unsubscribe>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    manage = manage_url or ""
    # Date: when the body was queued (all its messages are queued in one transaction).
    mime = _Message(
        subject=body.subject,
        sender=sender(body.sender_name),
        recipients=[recipient],
        body=body.text.replace(MANAGE_PLACEHOLDER, manage),
        html=body.html.replace(MANAGE_PLACEHOLDER, manage),
        extra_headers=headers,
        date=body.created_at.timestamp(),
    )
    mime.msgId = message_id
    return mime


def build(message: OutboxMessage) -> Message:
    """The MIME message for an outbox row: text and HTML, with RFC 8058 headers when it has a manage link."""
    return _compose(message.body, message.recipient, message.message_id, _slash(message.manage_url))


class Renderer:
    """Builds each body's MIME message once, then fills in recipient, Message-ID and manage link.

    Flask-Mail writes UTF-8 bodies as 8-bit text, so ASCII markers such as %%RECIPIENT%% survive
    into the bytes; anything non-ASCII in the per-message parts falls back to a
    full build. For 10,000 recipients of one announcement this builds one message.
    """

    def __init__(self):
        self._templates: dict[tuple, bytes] = {}

    def message_bytes(self, body: MailBody, recipient: str, message_id: str, manage_url: str | None) -> bytes:
        manage_url = _slash(manage_url)
        if not all(part.isascii() for part in (recipient, message_id, manage_url or "")):
            return _checked(_compose(body, recipient, message_id, manage_url)).as_bytes()
        key = (body.id, manage_url is not None)
        template = self._templates.get(key)
        if template is None:
            mime = _compose(body, _TO, _ID, MANAGE_PLACEHOLDER if manage_url is not None else None)
            template = self._templates[key] = _checked(mime).as_bytes()
        data = template.replace(_TO.encode(), recipient.encode()).replace(_ID.encode(), message_id.encode())
        return data.replace(MANAGE_PLACEHOLDER.encode(), (manage_url or "").encode())


def _checked(mime: Message) -> Message:
    if mime.has_bad_headers():
        raise ValueError("header injection refused")
    return mime
