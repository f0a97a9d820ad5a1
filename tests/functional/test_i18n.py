"""Dutch and English: the language a request gets, the switch, and a Dutch catalogue without gaps."""

from __future__ import annotations

import re

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from sqlalchemy import select

from registry.extensions import db
from registry.models import User

from ..conftest import PROJECT
from .portal import announce

CATALOGUE = PROJECT / "registry" / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def source_messages() -> set:
    with open(PROJECT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = dict(DEFAULT_KEYWORDS, _l=None, N_=None)
    skip = {"tests", "bench", "migrations", "instance", "node_modules"}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        PROJECT,
        method_map,
        options_map,
        keywords=keywords,
        directory_filter=lambda path: (
            not any(part in skip or part.startswith((".", "_")) for part in path.replace("\\", "/").split("/")[-1:])
        ),
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def test_every_message_in_the_code_has_a_dutch_translation():
    with open(CATALOGUE, "rb") as source:
        catalogue = read_po(source)
    translated = {(m.id if isinstance(m.id, str) else m.id[0]): m for m in catalogue if m.id and not m.fuzzy}
    messages = source_messages()
    assert len(messages) > 300
    missing = []
    for message in sorted(messages, key=str):
        entry = translated.get(message if isinstance(message, str) else message[0])
        strings = entry.string if entry else None
        if not entry or not all(strings if isinstance(strings, tuple) else [strings]):
            missing.append(message)
            continue
        original = message if isinstance(message, str) else message[0]
        dutch = strings if isinstance(strings, str) else strings[0]
        if set(PLACEHOLDER.findall(original)) != set(PLACEHOLDER.findall(dutch)):
            missing.append(f"{message!r}: placeholders differ")
    assert missing == [], "Dutch translation missing (run pybabel extract/update and translate)"


def test_without_any_choice_the_site_is_dutch(app, client):
    app.config["DEFAULT_LANGUAGE"] = "nl"
    try:
        page = client.get("/").get_data(as_text=True)
    finally:
        app.config["DEFAULT_LANGUAGE"] = "en"
    assert '<html lang="nl">' in page and "Verwerkers in het register" in page


@pytest.mark.parametrize(
    "header,lang,text",
    [
        ("nl-NL,nl;q=0.9", "nl", "Verwerkers in het register"),
        ("en-GB,en;q=0.8", "en", "Processors in the registry"),
        ("de-DE,en;q=0.5", "en", "Processors in the registry"),
    ],
)
def test_the_browser_language_is_used(client, header, lang, text):
    page = client.get("/", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{lang}">' in page and text in page


def test_the_switch_sets_the_language_and_returns_to_the_page(client):
    response = client.post(
        "/language",
        data={"language": "nl", "next": "/processors/vcare/?at=2026-11-01"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/processors/vcare/?at=2026-11-01")
    page = client.get("/processors/vcare/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="nl">' in page and "Contractvoorwaarden" in page
    assert (
        client.post("/language", data={"language": "xx", "next": "https://evil.example/"})
        .headers["Location"]
        .endswith("/")
    )


def test_a_logged_in_users_choice_is_kept_on_the_account(client, users, login):
    login(users.controller_a)
    client.post("/language", data={"language": "nl", "next": "/portal/"})
    db.session.expire_all()
    assert db.session.scalar(select(User.language).filter_by(id=users.controller_a.id)) == "nl"
    client.delete_cookie("language")
    page = client.get("/portal/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Uw overeenkomsten" in page


def test_the_main_pages_read_in_dutch(client, users, login):
    item = announce(users.vcare_editor)
    headers = {"Accept-Language": "nl"}
    pages = {
        "/": "Verwerkers in het register",
        "/processors/vcare/": "Diensten en hun subverwerkers",
        f"/processors/vcare/changes/{item.number}/": "Wat verwerkingsverantwoordelijken kunnen doen, en tot wanneer",
        "/processors/vcare/subscribe": "Aanmelden",
        "/login": "Inloggen",
    }
    for url, text in pages.items():
        page = client.get(url, headers=headers).get_data(as_text=True)
        assert text in page, url
    login(users.controller_a)
    page = client.get("/portal/", headers=headers).get_data(as_text=True)
    assert "Wijzigingen die uw beslissing vragen" in page and "Bezwaar maken" in page
