"""Hostile text in every field a user types comes out inert: HTML, Atom, RSS, CSV and mail."""
import csv
import io

import feedparser
from sqlalchemy import select

from registry.extensions import db
from registry.models import OutboxMessage
from registry.services import objections
from registry.services.snapshot import today

from .portal import announce, contract, service

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
FORMULA = "=cmd|' /C calc'!A0"
GROUNDS = f"{FORMULA} We object strongly to this {SCRIPT} supplier for our calls."


def no_live_markup(text: str) -> None:
    assert "<script>" not in text and "<img src=x" not in text


def test_hostile_names_reasons_and_grounds_are_inert_everywhere(client, users, login):
    item = announce(users.vcare_editor, name=f"{FORMULA} {SCRIPT}")
    item.reason = SCRIPT
    db.session.commit()
    made = objections.submit(users.controller_a, item.id, contract().id, GROUNDS,
                             [service("vcare", "operator").id], today())
    for url in [f"/processors/vcare/changes/{item.id}/", "/processors/vcare/changes/", "/processors/vcare/"]:
        no_live_markup(client.get(url).get_data(as_text=True))
    for url in ["/processors/vcare/feed.atom", "/processors/vcare/feed.rss", "/feed.atom"]:
        body = client.get(url).get_data(as_text=True)
        no_live_markup(body)
        parsed = feedparser.parse(body)
        assert parsed.bozo == 0 and parsed.entries
    rows = list(csv.reader(io.StringIO(client.get("/processors/vcare/registry.csv",
                                                  query_string={"at": item.effective_date.isoformat()}).get_data(
        as_text=True))))
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert any(cell.startswith("'=cmd") for row in rows for cell in row)
    login(users.controller_a)
    no_live_markup(client.get(f"/portal/objections/{made.id}/").get_data(as_text=True))
    exported = list(csv.reader(io.StringIO(client.get("/portal/objections.csv").get_data(as_text=True))))
    assert exported[1][exported[0].index("grounds")].startswith("'=cmd")
    client.post("/logout")
    login(users.vcare_editor)
    no_live_markup(client.get(f"/admin/processors/vcare/objections/{made.id}/").get_data(as_text=True))
    for message in db.session.scalars(select(OutboxMessage)):
        no_live_markup(message.body.html)
        assert "\n" not in message.body.subject and "\r" not in message.body.subject
