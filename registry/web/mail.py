"""Mail put into words: one template pair per kind of mail (templates/email/<kind>.txt and .html), translated
with gettext in the recipient's language like the pages; installed at app creation as the mail domain's composer,
together with the routes behind the places a mail links to.

Every mail gets the same frame (registry.web.mail_frame): the HTML part extends email/_layout.html, whose CSS is
written into style attributes here, and the text part gets the greeting and the footer around its own words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import css_inline
from flask import Flask, render_template
from flask_babel import force_locale

from registry.announcements.summary import describe
from registry.mail import composing, links
from registry.web.links import for_mail
from registry.web.mail_frame import Frame, frame

# Nothing is fetched: a mail's CSS is all in its template. The phone rule (@media) stays in a <style>.
_INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


def compose(kind: str, language: str, facts: Mapping[str, Any]) -> composing.Composed:
    """Render email/<kind>.txt and .html in `language`, every computed text and date in it; the subject is the
    text's first line."""
    with force_locale(language):
        context = {**facts, "language": language}
        if kind == "announcement":
            context["f"] = describe(facts["announcement"])  # what it says, in the mail's language
        context["frame"] = framed = frame(kind, context)
        text = render_template(f"email/{kind}.txt", **context)
        html = short_lines(_INLINER.inline(render_template(f"email/{kind}.html", **context)))
    subject, _, rest = text.partition("\n")
    return composing.Composed(subject, _framed_text(framed, rest.strip("\n")), html, framed.sender_name)


def short_lines(html: str, limit: int = 900) -> str:
    """Lines of at most `limit` characters, broken at a space (which HTML shows the same as a line break), so that
    no line of the 8-bit HTML part passes SMTP's 998 (RFC 5321 4.5.3.1.6) with its style attributes written in."""
    lines = []
    for line in html.split("\n"):
        while len(line) > limit and (cut := line.rfind(" ", 0, limit)) > 0:
            lines.append(line[:cut])
            line = line[cut + 1 :]
        lines.append(line)
    return "\n".join(lines)


def _framed_text(framed: Frame, words: str) -> str:
    """The text part: greeting, the mail's own words, and the footer below a signature line ("-- ")."""
    stop = f"{framed.stop} {framed.stop_url}" if framed.stop_url else framed.stop
    return f"{framed.greeting}\n\n{words}\n\n-- \n{framed.why}\n{stop}\n"


def init_app(app: Flask) -> None:
    """Give the mail domain its words and its links (module-wide, like registry.text's renderer)."""
    composing.install(compose)
    links.install(for_mail)
