"""WebSub (WEBSUB_HUB): the feeds name the hub, and a publication or withdrawal tells it, through the outbox worker,
of every feed it changed. The hub is a real HTTPS receiver on 127.0.0.1 (tests/webhook_receiver.py)."""

from __future__ import annotations

from urllib.parse import parse_qsl

import feedparser
import pytest
from lxml import etree
from sqlalchemy import select

from registry.announcements import publication
from registry.extensions import db
from registry.models import HubPing
from registry.webhooks import websub

from ..webhook_receiver import Receiver
from .portal import announce, processor

pytestmark = pytest.mark.usefixtures("clock")
FEEDS = [
    "/feed.atom",
    "/processors/vcare/feed.atom",
    "/processors/vcare/services/operator/feed.atom",
    "/feed.rss",
    "/processors/vcare/feed.rss",
    "/processors/vcare/services/operator/feed.rss",
]


@pytest.fixture
def hub(app, tmp_path, monkeypatch):
    with Receiver(tmp_path / "tls", path="/hub") as found:
        monkeypatch.setitem(app.config, "WEBSUB_HUB", found.url)
        monkeypatch.setitem(app.config, "WEBHOOK_CA_FILE", str(found.ca))
        monkeypatch.setitem(app.config, "WEBHOOK_RETRY_BASE", 0)
        yield found


def notify() -> int:
    """Run the worker's hub half until nothing is due; how many notices it claimed."""
    claimed = 0
    while found := websub.notify_due("test"):
        claimed += found
    return claimed


def test_feeds_name_the_hub_in_the_feed_and_the_headers(client, users, hub):
    announce(users.vcare_editor)
    for path in FEEDS:
        response = client.get(path)
        assert response.status_code == 200
        self_url = f"http://registry.test{path}"
        assert response.headers["Link"] == f'<{hub.url}>; rel="hub", <{self_url}>; rel="self"'
        links = feedparser.parse(response.data).feed.links
        assert {(link["rel"], link["href"]) for link in links} >= {("hub", hub.url), ("self", self_url)}
    rss = etree.fromstring(client.get("/feed.rss").data)
    hubs = rss.findall("channel/{http://www.w3.org/2005/Atom}link[@rel='hub']")
    assert [h.get("href") for h in hubs] == [hub.url]
    assert (
        client.get("/feed.atom?lang=nl")
        .headers["Link"]
        .endswith('<http://registry.test/feed.atom?lang=nl>; rel="self"')
    )


def test_without_a_hub_feeds_name_none_and_nothing_is_queued(client, users):
    announce(users.vcare_editor)
    response = client.get("/processors/vcare/feed.atom")
    assert "Link" not in response.headers and b'rel="hub"' not in response.data
    assert db.session.scalar(select(HubPing.id)) is None


def test_a_publication_and_a_withdrawal_each_tell_the_hub_of_every_changed_feed(users, hub):
    hub.script.answers[:] = [500]  # the first notice is retried
    item = announce(users.vcare_editor)
    notify()
    assert len(hub.script.received) == 2
    form = parse_qsl(hub.script.received[-1]["body"].decode())
    assert form[0] == ("hub.mode", "publish")
    expected = sorted(f"http://registry.test{p}{q}" for p in FEEDS for q in ("", "?lang=en", "?lang=nl"))
    assert sorted(v for k, v in form[1:]) == expected and {k for k, _v in form[1:]} == {"hub.url"}
    assert hub.script.received[-1]["headers"]["content-type"] == "application/x-www-form-urlencoded"
    ping = db.session.scalar(select(HubPing))
    assert (ping.status, ping.attempts, ping.response_status) == ("sent", 2, 200)
    publication.withdraw(users.vcare_editor, processor("vcare"), item.id, "We chose another supplier after all.")
    notify()
    assert len(hub.script.received) == 3
    assert db.session.scalars(select(HubPing.dedupe_key).order_by(HubPing.id)).all() == [
        f"announcement:{item.id}:publication",
        f"announcement:{item.id}:withdrawal",
    ]
