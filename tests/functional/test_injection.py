"""Hostile text in every field a user types comes out inert: HTML, Atom, RSS, CSV and mail."""

import csv
import io

import feedparser
from markupsafe import escape
from sqlalchemy import select

from registry.cases import objections
from registry.extensions import db
from registry.models import OutboxMessage
from registry.subprocessors.snapshot import today

from .portal import announce, contract, service

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
FORMULA = "=cmd|' /C calc'!A0"
GROUNDS = f"{FORMULA} We object strongly to this {SCRIPT} supplier for our calls."


ESCAPED = str(escape(SCRIPT))  # what an HTML page or mail shows: the text, as text
# A mail's HTML as the CSS inliner writes it again: only &, < and > escaped in text (HTML's serialisation).
ESCAPED_IN_MAIL = SCRIPT.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def no_live_markup(text: str, shown: str | None = ESCAPED) -> None:
    """No live tag, and (unless `shown` is None) the hostile text is there, escaped: the page did show it."""
    assert "<script>" not in text and "<img src=x" not in text
    if shown is not None:
        assert shown in text


def test_hostile_names_reasons_and_grounds_are_inert_everywhere(client, users, login):
    item = announce(users.vcare_editor, name=f"{FORMULA} {SCRIPT}")
    item.reason = SCRIPT
    db.session.commit()
    made = objections.submit(
        users.controller_a, item.id, contract().id, GROUNDS, [service("vcare", "operator").id], today()
    )
    effective = item.effective_date.isoformat()  # the registry shows the new name from that day
    for url in [
        f"/processors/vcare/changes/{item.number}/",
        "/processors/vcare/changes/",
        f"/processors/vcare/?at={effective}",
    ]:
        no_live_markup(client.get(url).get_data(as_text=True))
    for url in ["/processors/vcare/feed.atom", "/processors/vcare/feed.rss", "/feed.atom"]:
        body = client.get(url).get_data(as_text=True)
        no_live_markup(body, shown=SCRIPT.replace("<", "&lt;").replace(">", "&gt;"))  # escaped once in the XML
        parsed = feedparser.parse(body)
        assert parsed.bozo == 0 and parsed.entries[0].title.startswith(f"Vcare adds {FORMULA} <script>")
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    "/processors/vcare/registry.csv", query_string={"at": item.effective_date.isoformat()}
                ).get_data(as_text=True)
            )
        )
    )
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert any(cell.startswith("'=cmd") for row in rows for cell in row)
    login(users.controller_a)
    no_live_markup(client.get(f"/portal/objections/{made.id}/").get_data(as_text=True))
    exported = list(csv.reader(io.StringIO(client.get("/portal/objections.csv").get_data(as_text=True))))
    assert exported[1][exported[0].index("grounds")].startswith("'=cmd")
    client.post("/logout")
    login(users.vcare_editor)
    no_live_markup(client.get(f"/admin/processors/vcare/objections/{made.id}/").get_data(as_text=True))
    messages = list(db.session.scalars(select(OutboxMessage)))
    # The contract notice of the announcement, and the objection's copies (notice address, controller, 2 editors).
    assert sorted(m.kind for m in messages) == ["contract_announcement"] + ["objection"] * 4
    for message in messages:
        no_live_markup(message.body.html, ESCAPED_IN_MAIL)
        assert SCRIPT in message.body.text  # plain text mail carries it as it was typed: no markup there
        assert "\n" not in message.body.subject and "\r" not in message.body.subject
