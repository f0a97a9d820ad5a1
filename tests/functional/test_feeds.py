"""Atom and RSS feeds read by a real parser: valid, stable, escaped, conditional.

On a fixed clock: published at noon in Amsterdam (11:00 UTC) on 1 December 2026, effective 60 days later,
30 January 2027.
"""

from datetime import timedelta

import feedparser
import pytest
from sqlalchemy import event, select

from registry.announcements import publication
from registry.announcements.drafting import save_draft
from registry.extensions import db
from registry.models import Processor
from registry.subprocessors.snapshot import today

from ..html import parse as parse_html
from ..html import text
from ..queries import count_queries
from .announce import ids

pytestmark = pytest.mark.usefixtures("clock")

XSS = "<script>alert(1)</script> & Co"
FEEDS = [
    "/feed.atom",
    "/feed.rss",
    "/processors/vcare/feed.atom",
    "/processors/vcare/feed.rss",
    "/processors/vcare/services/operator/feed.atom",
    "/processors/vcare/services/operator/feed.rss",
]
TITLES = {
    "/feed": "All processors",
    "/processors/vcare/feed": "Vcareconnect B.V.",
    "/processors/vcare/services/operator/feed": "Vcareconnect B.V.: Operator",
}


def announce(editor, name, services=("operator",), days=60):
    vcare = db.session.scalar(select(Processor).filter_by(slug="vcare"))
    data = {
        "kind": "add",
        "service_ids": ids("vcare", *services),
        "new_name": name,
        "reason": f"Because {name}",
        "effective_date": today() + timedelta(days=days),
        "locations": [{"country": "NL", "place": None, "role": "processing", "transfer_basis": None}],
    }
    item = save_draft(editor, vcare, None, data)
    publication.publish(editor, vcare, item.id)
    return item


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response, feedparser.parse(response.data)


@pytest.mark.parametrize("url", FEEDS)
def test_every_feed_is_valid_and_complete(client, users, url):
    announce(users.vcare_editor, "Acme One")
    announce(users.vcare_editor, "Acme Two", services=("operator", "reporter"))
    response, feed = parse(client, url)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert response.mimetype in ("application/atom+xml", "application/rss+xml")
    assert feed.feed.title == TITLES[url.rsplit(".", 1)[0]]
    self_links = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_links == [f"http://registry.test{url}"]
    assert [entry.title for entry in feed.entries] == [
        "Vcare adds Acme Two for Operator, Reporter from January 30, 2027",
        "Vcare adds Acme One for Operator from January 30, 2027",
    ]
    for entry in feed.entries:
        assert entry.id.startswith("tag:registry.test,") and entry.link.startswith("http://registry.test/processors/")
        assert tuple(entry.published_parsed)[:6] == (2026, 12, 1, 11, 0, 0)  # noon in Amsterdam, in UTC
        assert "\nEffective date: January 30, 2027.\n" in entry.summary
        raw_date = entry.get("published", "")
        assert raw_date in ("2026-12-01T11:00:00+00:00", "Tue, 01 Dec 2026 11:00:00 +0000"), raw_date


def test_entry_ids_are_stable_and_withdrawal_shows(client, users):
    first = announce(users.vcare_editor, "Acme One")
    _, before = parse(client, "/processors/vcare/feed.atom")
    vcare = db.session.scalar(select(Processor).filter_by(slug="vcare"))
    publication.withdraw(users.vcare_editor, vcare, first.id, "The supplier failed our review")
    _, after = parse(client, "/processors/vcare/feed.atom")
    assert len(after.entries) == 2
    withdrawal, original = after.entries
    assert original.id == before.entries[0].id  # re-rendered, same id
    assert original.title.startswith("[Withdrawn] ")
    assert withdrawal.title.startswith("Withdrawn: ") and withdrawal.id == original.id + "/withdrawal"
    assert "failed our review" in withdrawal.summary


def test_user_text_is_escaped_in_atom_rss_and_html(client, users):
    item = announce(users.vcare_editor, XSS)
    for url in ["/processors/vcare/feed.atom", "/processors/vcare/feed.rss"]:
        response, feed = parse(client, url)
        assert feed.bozo == 0
        assert XSS in feed.entries[0].title
        assert b"<script>" not in response.data
    html = client.get(f"/processors/vcare/changes/{item.number}/").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html


def test_conditional_get(client, users):
    announce(users.vcare_editor, "Acme One")
    first = client.get("/processors/vcare/feed.atom")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = client.get("/processors/vcare/feed.atom", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    since = client.get("/processors/vcare/feed.atom", headers={"If-Modified-Since": modified})
    assert since.status_code == 304 and since.data == b""
    announce(users.vcare_editor, "Acme Two")
    changed = client.get("/processors/vcare/feed.atom", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert client.get("/processors/vcare/feed.rss").headers["ETag"] != changed.headers["ETag"]


def test_a_weak_etag_from_a_proxy_that_compressed_the_feed_still_gets_304(client, users):
    # nginx's gzip turns ETag "x" into W/"x"; If-None-Match compares weakly (RFC 9110, 13.1.2).
    announce(users.vcare_editor, "Acme One")
    etag = client.get("/processors/vcare/feed.atom").headers["ETag"]
    again = client.get("/processors/vcare/feed.atom", headers={"If-None-Match": f"W/{etag}"})
    assert again.status_code == 304 and again.data == b""
    other = client.get("/processors/vcare/feed.atom", headers={"If-None-Match": 'W/"another-state"'})
    assert other.status_code == 200


def test_a_304_is_answered_from_the_feeds_state_alone(client, users, monkeypatch):
    announce(users.vcare_editor, "Acme One")
    etag = client.get("/processors/vcare/feed.atom").headers["ETag"]
    from registry.web import feeds

    def no_building(*_args, **_kwargs):
        raise AssertionError("a 304 built the feed")

    monkeypatch.setattr(feeds, "build", no_building)
    statements = []

    def listener(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        again = client.get("/processors/vcare/feed.atom", headers={"If-None-Match": etag})
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert again.status_code == 304 and again.data == b""
    # The processor's name, serial and last change, and nothing else (the savepoints are the test's own).
    reads = [statement for statement in statements if "SAVEPOINT" not in statement]
    assert len(reads) == 1 and reads[0].startswith("SELECT processor.id, processor.legal_name, processor.feed_serial")


def test_a_feed_without_announcements_is_valid(client):
    _, feed = parse(client, "/processors/vtm/feed.atom")
    assert feed.bozo == 0 and feed.entries == []


def test_service_feed_holds_only_that_service(client, users):
    announce(users.vcare_editor, "For Operator", services=("operator",))
    announce(users.vcare_editor, "For Sendi", services=("sendi",))
    _, feed = parse(client, "/processors/vcare/services/sendi/feed.atom")
    assert [e.title.split(" for ")[0] for e in feed.entries] == ["Vcare adds For Sendi"]
    _, everything = parse(client, "/feed.atom")
    assert len(everything.entries) == 2


@pytest.mark.parametrize(
    "url",
    [
        "/processors/nope/feed.atom",
        "/processors/vcare/services/nope/feed.rss",
        "/processors/nope/services/x/feed.atom",
        "/feed.json",
    ],
)
def test_unknown_feeds_are_404(client, url):
    assert client.get(url).status_code == 404


def test_pages_advertise_their_feeds(client):
    for url, feed in [
        ("/", "/feed.atom"),
        ("/processors/vcare/", "/processors/vcare/feed.atom"),
        ("/processors/vcare/services/sendi/", "/processors/vcare/services/sendi/feed.atom"),
        ("/processors/vcare/changes/", "/processors/vcare/feed.rss"),
    ]:
        html = client.get(url).get_data(as_text=True)
        assert 'rel="alternate" type="application/atom+xml"' in html and feed in html, url
        assert f"http://registry.test{feed}" in html  # the URL to copy


def test_feed_and_registry_queries_do_not_grow_with_history(client, users):
    for n in range(3):
        announce(users.vcare_editor, f"Early {n}", days=40 + n)
    feed_before = count_queries(client, "/processors/vcare/feed.atom")
    page_before = count_queries(client, "/processors/vcare/changes/")
    for n in range(12):
        announce(users.vcare_editor, f"Later {n}", services=("reporter", "operator"), days=50 + n)
    assert count_queries(client, "/processors/vcare/feed.atom") == feed_before
    assert count_queries(client, "/processors/vcare/changes/") == page_before


def test_a_worker_reuses_the_feed_state_briefly_and_forgets_it_when_it_publishes(app, users):
    from registry.announcements import reading as changes

    changes.forget_feed_heads()
    first = changes.cached_feed_head("vcare", None, ttl=60)
    statements = []

    def listener(*_):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert changes.cached_feed_head("vcare", None, ttl=60) is first
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert statements == []
    announce(users.vcare_editor, "Acme")  # publishing in this worker forgets the remembered state
    assert changes.cached_feed_head("vcare", None, ttl=60).serial == first.serial + 1
    changes.forget_feed_heads()


def test_the_changes_page_is_paged(client, users, monkeypatch):
    from registry.web.public import changes as changes_views

    monkeypatch.setattr(changes_views, "PAGE_SIZE", 2)
    for n in range(3):
        announce(users.vcare_editor, f"Acme {n}", days=40 + n)
    first = client.get("/processors/vcare/changes/").get_data(as_text=True)
    assert "Acme 2" in first and "Acme 1" in first and "Acme 0" not in first
    assert _paging_links(first) == [("/processors/vcare/changes/?page=2", "Older")]
    second = client.get("/processors/vcare/changes/?page=2").get_data(as_text=True)
    assert "Acme 0" in second and "Acme 1" not in second
    assert _paging_links(second) == [("/processors/vcare/changes/?page=1", "Newer")]
    past = client.get("/processors/vcare/changes/?page=3").get_data(as_text=True)
    assert "No older announcements." in past and "Acme" not in past
    assert _paging_links(past) == [("/processors/vcare/changes/?page=2", "Newer")]
    assert client.get("/processors/vcare/changes/?page=0").status_code == 400
    assert client.get("/processors/vcare/changes/?page=x").status_code == 400


def _paging_links(page):
    return [(a.get("href"), text(a)) for a in parse_html(page).iter("a") if "?page=" in (a.get("href") or "")]
