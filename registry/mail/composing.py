"""The words of a mail: the domain says what to tell (a kind of mail, the reader's language, the facts), and the
composer that the web layer installs (registry.web.mail) puts it into a subject, a text and an HTML body."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from registry.extensions import db
from registry.models import MailBody

# Filled in per recipient by the worker (messages.Renderer): every body is shared by all recipients of an event.
MANAGE_PLACEHOLDER = "%%MANAGE_URL%%"
# The kinds of mail, one template pair each (templates/email/<kind>.txt and .html).
KINDS = ("announcement", "case", "subscription", "password_reset", "invitation", "invitation_request", "webhook_paused")


class Composed(NamedTuple):
    """A mail in words: the subject line, the two bodies and the sender's display name (None: the site's own)."""

    subject: str
    text: str
    html: str
    sender_name: str | None = None


def one_line(words: str | None, limit: int) -> str | None:
    """Every whitespace run (line breaks included) folded into one space, so that no user text can add a header."""
    return None if words is None else " ".join(words.split())[:limit]


Composer = Callable[[str, str, Mapping[str, Any]], Composed]


def _no_composer(kind: str, language: str, facts: Mapping[str, Any]) -> Composed:
    raise RuntimeError(f"no mail composer installed for {kind!r}: create the app first (registry.web.mail)")


_composer: Composer = _no_composer


def install(composer: Composer) -> None:
    """Set who puts mail into words: the web layer installs its templates at app creation."""
    global _composer
    _composer = composer


def body(kind: str, language: str, **facts: Any) -> MailBody:
    """The body of one kind of mail in one language, put into words once and stored as it will be sent.

    Its manage link is a placeholder that the worker fills in per recipient."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of mail: {kind!r}")
    composed = _composer(kind, language, {**facts, "manage_url": MANAGE_PLACEHOLDER})
    stored = MailBody(
        subject=one_line(composed.subject, 300),
        text=composed.text,
        html=composed.html,
        sender_name=one_line(composed.sender_name, 200) or None,
    )
    db.session.add(stored)
    db.session.flush()
    return stored
