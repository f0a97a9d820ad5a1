"""Mail put into words: one template pair per kind of mail (templates/email/<kind>.txt and .html), translated
with gettext in the recipient's language like the pages; installed at app creation as the mail domain's composer,
together with the routes behind the places a mail links to."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, render_template
from flask_babel import force_locale

from registry.announcements.summary import describe
from registry.mail import composing, links
from registry.web.links import for_mail


def compose(kind: str, language: str, facts: Mapping[str, Any]) -> composing.Composed:
    """Render email/<kind>.txt and .html in `language`, every computed text and date in it; the subject is the
    text's first line."""
    with force_locale(language):
        context = {**facts, "language": language}
        if kind == "announcement":
            context["f"] = describe(facts["announcement"])  # what it says, in the mail's language
        text = render_template(f"email/{kind}.txt", **context)
        html = render_template(f"email/{kind}.html", **context)
    subject, _, rest = text.partition("\n")
    return composing.Composed(subject, rest.lstrip("\n"), html)


def init_app(app: Flask) -> None:
    """Give the mail domain its words and its links (module-wide, like registry.text's renderer)."""
    composing.install(compose)
    links.install(for_mail)
