"""Building e-mail messages (the only module that touches flask_mail)."""
from __future__ import annotations

import uuid
from email.utils import format_datetime
from urllib.parse import urlsplit

from flask import current_app
from flask_mail import Message

from .models import OutboxMessage

MANAGE_PLACEHOLDER = "%%MANAGE_URL%%"


def site_domain() -> str:
    return urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"


def new_message_id() -> str:
    """A Message-ID fixed when the message is queued, in the site's domain."""
    return f"<{uuid.uuid4().hex}@{site_domain()}>"


def build(message: OutboxMessage) -> Message:
    """The MIME message for an outbox row: text and HTML, with RFC 8058 headers when it has a manage link."""
    body = message.body
    manage = message.manage_url or ""
    headers = {"Auto-Submitted": "auto-generated", "Date": format_datetime(message.queued_at)}
    if message.manage_url:
        unsubscribe = message.manage_url.rstrip("/") + "/unsubscribe"
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mime = Message(subject=body.subject, sender=current_app.config["MAIL_DEFAULT_SENDER"],
                   recipients=[message.recipient], body=body.text.replace(MANAGE_PLACEHOLDER, manage),
                   html=body.html.replace(MANAGE_PLACEHOLDER, manage), extra_headers=headers)
    mime.msgId = message.message_id
    return mime
