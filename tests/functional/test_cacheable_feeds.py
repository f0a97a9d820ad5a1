"""Feeds and the public JSON that machines and shared caches can poll cheaply: an empty feed dates from when its
registry was first recorded (not a date nobody chose), and nothing public varies by a cookie it does not read.

On the fixed clock, Tuesday 1 December 2026 at noon in Amsterdam: 11:00 UTC.
"""

import feedparser
import pytest

pytestmark = pytest.mark.usefixtures("clock")
NEW = {
    "name": "Leeg Zorg",
    "legal_name": "Leeg Zorg B.V.",
    "kvk_number": "87654321",
    "address": "Leegstraat 1, Utrecht",
    "slug": "leeg",
}
PUBLIC = [
    "/feed.atom",
    "/feed.rss",
    "/processors/vcare/feed.atom",
    "/processors/vcare/feed.rss",
    "/processors/vcare/services/telefonie/feed.atom",
    "/api/v1/processors",
    "/api/v1/processors/vcare",
    "/api/v1/processors/vcare/versions/",
    "/api/v1/processors/vcare/versions/1.json",
    "/api/v1/processors/vcare/versions/1.json.sig",
    "/api/v1/openapi.json",
    "/api/v1/schemas/",
    "/api/v1/schemas/registry-version-1.json",
    "/api/v1/schemas/subprocessor-registry/registry-version/1",
    "/.well-known/subprocessor-registry.json",
    "/audit/checkpoints.json",
]


def test_an_empty_feed_was_last_modified_when_its_registry_was_first_recorded(client, users, login):
    login(users.admin)
    assert client.post("/admin/processors/new", data=NEW).status_code == 302  # version 1 recorded now
    client.post("/logout")
    for kind in ("atom", "rss"):
        response = client.get(f"/processors/leeg/feed.{kind}")
        assert response.status_code == 200
        assert response.headers["Last-Modified"] == "Tue, 01 Dec 2026 11:00:00 GMT"
        assert "2020" not in response.get_data(as_text=True)
        again = client.get(
            f"/processors/leeg/feed.{kind}", headers={"If-Modified-Since": response.headers["Last-Modified"]}
        )
        assert again.status_code == 304 and again.data == b""
    atom = feedparser.parse(client.get("/processors/leeg/feed.atom").data)
    assert atom.entries == [] and atom.feed.updated == "2026-12-01T11:00:00+00:00"


@pytest.mark.parametrize("who", ["anonymous", "logged in"])
def test_public_feeds_and_json_do_not_vary_by_cookie_nor_set_one(client, users, login, who):
    if who == "logged in":
        login(users.controller_a)
    for url in PUBLIC:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Cookie" not in response.headers.get("Vary", ""), url
        assert "Set-Cookie" not in response.headers, url
    # A page for people still reads the session (the account, the language switch).
    assert "Cookie" in client.get("/processors/vcare/").headers.get("Vary", "")


def test_conditional_get_still_answers_304_without_the_cookie(client, users, login):
    login(users.controller_a)
    first = client.get("/processors/vcare/feed.atom")
    again = client.get("/processors/vcare/feed.atom", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and "Cookie" not in again.headers.get("Vary", "")
    since = client.get("/processors/vcare/feed.rss", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304


def test_the_json_says_it_varies_by_language_only_when_it_read_accept_language(client):
    english = client.get("/api/v1/processors/nobody", headers={"Accept-Language": "en"})
    assert english.status_code == 404 and english.get_json()["message"] == "No processor 'nobody' in the registry."
    assert english.headers["Vary"] == "Accept-Language"
    dutch = client.get("/api/v1/processors/nobody?lang=nl", headers={"Accept-Language": "en"})
    assert dutch.get_json()["message"] == "Geen verwerker 'nobody' in het register." and "Vary" not in dutch.headers
