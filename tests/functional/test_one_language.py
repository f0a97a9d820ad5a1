"""One language at a time: a page rendered in Dutch holds no English sentence of the catalogue's source strings or
of the seed's English notes, and a page in English no Dutch one, except inside an element marked as being in the
other language (a `lang` attribute other than the page's: the contract's own Dutch words, quoted).

The sentences: every msgid of the catalogue (those of registry/translations/messages.pot, read with their Dutch from
the .po) cut at its placeholders and markup into pieces of four words or more, leaving out a piece its Dutch has
too (a name, "Bijlage B"); the Dutch msgstr cut the same way; and the notes of seed/*.yaml (`list_note`,
`listed_since_note`, a sub-processor's `note`, each with its Dutch `*_nl`). Two short English labels once seen on
Dutch pages are looked for as well.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

import html5lib
import pytest
import yaml
from babel.messages.pofile import read_po

from ..factories import PASSWORD
from .portal import US, announce, consent_url, contract, objection_url, service

ROOT = Path(__file__).resolve().parents[2]
NOTES = ("list_note", "listed_since_note", "note")
# Short labels the four-word rule cannot see, each once shown in English on Dutch pages.
ENGLISH_LABELS = ["Announcement #", "Sub-processor Registry"]
pytestmark = pytest.mark.usefixtures("clock")  # 1 December 2026


def _pieces(text: str) -> list[str]:
    """A catalogue string cut at its placeholders and markup into runs of four words or more."""
    parts = re.split(r"%\(\w+\)[sd]|%[sd]|\{[^}]*\}|<[^>]+>|[\[\]()\"“”‘’:;]", text)
    return [" ".join(p.split()).strip(" .,") for p in parts if len(re.findall(r"\w+", p)) >= 4]


def _catalogue() -> tuple[set[str], set[str]]:
    with open(ROOT / "registry/translations/nl/LC_MESSAGES/messages.po", "rb") as f:
        catalog = read_po(f)
    english, dutch = set(), set()
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
        strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        source = {p for text in ids for p in _pieces(text)}
        target = {p for text in strings if text for p in _pieces(text)}
        english |= source - target
        dutch |= target - source
    return english, dutch


def _seed_notes() -> tuple[set[str], set[str]]:
    english, dutch = set(), set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in NOTES and isinstance(value, str):
                    english.add(" ".join(value.split()))
                elif key.removesuffix("_nl") in NOTES and isinstance(value, str):
                    dutch.add(" ".join(value.split()))
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for path in sorted((ROOT / "seed").glob("*.yaml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return english, dutch


CATALOGUE_EN, CATALOGUE_NL = _catalogue()
NOTES_EN, NOTES_NL = _seed_notes()
FORBIDDEN = {"nl": sorted(CATALOGUE_EN | NOTES_EN) + ENGLISH_LABELS, "en": sorted(CATALOGUE_NL | NOTES_NL)}


def _text_of_html(page: str, language: str) -> str:
    """The page's text, without scripts, styles and elements marked as being in another language."""
    tree = html5lib.parse(page, namespaceHTMLElements=False)
    assert tree.get("lang") == language
    out: list[str] = []

    def walk(element):
        if element.tag in ("script", "style") or element.get("lang", language) != language:
            if element.tail:
                out.append(element.tail)
            return
        out.append(element.text or "")
        for child in element:
            walk(child)
        out.append(element.tail or "")

    walk(tree)
    return " ".join("".join(out).split())


def _text_of_feed(body: bytes, language: str) -> str:
    root = ElementTree.fromstring(body)
    return " ".join(" ".join(root.itertext()).split())


def _findings(url: str, text: str, language: str) -> list[tuple[str, str]]:
    return [(url, sentence) for sentence in FORBIDDEN[language] if sentence in text]


def _pages(client, url_list, language) -> list[tuple[str, str]]:
    found = []
    for url in url_list:
        response = client.get(url, headers={"Accept-Language": language})
        assert response.status_code == 200, url
        if "feed." in url:
            found += _findings(url, _text_of_feed(response.data, language), language)
        else:
            found += _findings(url, _text_of_html(response.get_data(as_text=True), language), language)
    return found


def _log_in(client, user, language):
    """Logged in as a user who reads `language` (the flash that greets them is in it too)."""
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD}, headers={"Accept-Language": language}
    )
    assert response.status_code == 302


def _none(found: list[tuple[str, str]], language: str) -> None:
    """No finding; else each page and the sentence of the other language on it."""
    other = {"nl": "English", "en": "Dutch"}[language]
    assert not found, f"{other} on pages in {language}:\n" + "\n".join(f"{url}: {text}" for url, text in found)


def _announcement_url(client, slug="vcare") -> str:
    page = client.get(f"/processors/{slug}/changes/").get_data(as_text=True)
    return re.search(rf'href="(/processors/{slug}/changes/\d+/)"', page).group(1)


def _public_urls(client) -> list[str]:
    urls = ["/", "/login", "/processors/vcare/changes/", _announcement_url(client), "/processors/vcare/versions/"]
    urls += ["/processors/vcare/compare?from=1&to=2", "/processors/vcare/subscribe"]
    for slug in ("vcare", "vtm", "beterdichtbij", "contict", "ipvoice"):
        urls += [f"/processors/{slug}/", f"/processors/{slug}/feed.atom", f"/processors/{slug}/feed.rss"]
    urls += ["/processors/vcare/services/operator/", "/processors/vcare/?at=2020-01-01", "/feed.atom"]
    return urls


@pytest.mark.parametrize("language", ["nl", "en"])
def test_public_pages_and_feeds_speak_one_language(client, users, language):
    announce(users.vcare_editor)
    announce(users.vcare_editor, locations=US, name="Transfer Cloud")
    urls = _public_urls(client)
    urls = [u + ("&" if "?" in u else "?") + f"lang={language}" if "feed." in u else u for u in urls]
    _none(_pages(client, urls, language), language)
    # The pages were read: the registry's own note is there in the page's language.
    page = client.get("/processors/vcare/", headers={"Accept-Language": language}).get_data(as_text=True)
    note = {
        "nl": "Actuele lijst in Bijlage B (art. 4.1); Bijlage A noemt de subverwerkers per dienst.",
        "en": "Current list in Bijlage B (art. 4.1); Bijlage A names the sub-processors per service.",
    }
    assert note[language] in _text_of_html(page, language)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_portal_speaks_one_language(client, users, language):
    item = announce(users.vcare_editor)
    transfer = announce(users.vcare_editor, locations=US, name="Transfer Cloud")
    _log_in(client, users.controller_a, language)
    vc = contract()
    urls = ["/portal/", f"/portal/contracts/{vc.id}/", f"/portal/announcements/{item.id}/", "/portal/deliveries"]
    urls += [objection_url(item, vc), consent_url(transfer, vc), f"/portal/announcements/{transfer.id}/"]
    urls += ["/portal/colleagues/", "/account/password"]
    _none(_pages(client, urls, language), language)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_processors_admin_speaks_one_language(client, users, language):
    item = announce(users.vcare_editor)
    _log_in(client, users.vcare_editor, language)
    terms = contract().terms
    urls = [
        f"/admin/processors/vcare/terms/{terms.id}/edit",
        f"/admin/processors/vcare/services/{service('vcare', 'operator').id}/edit",
        "/admin/processors/vcare/audit",
        "/admin/processors/vcare/",
        "/admin/processors/vcare/announcements/",
        "/admin/processors/vcare/announcements/new",
        f"/admin/processors/vcare/announcements/{item.id}/",
        "/admin/processors/vcare/objections/",
        "/admin/processors/vcare/users/",
        "/admin/processors/vcare/import",
        "/admin/processors/vcare/contracts/import",
        "/admin/processors/vcare/contracts/new",
        "/admin/processors/vcare/profile",
    ]
    _none(_pages(client, urls, language), language)


def test_the_sentences_looked_for_are_there():
    """The test looks for something: the catalogue's and the seed's sentences, in both languages."""
    assert any(p.startswith("The registry keeps what the contract says. Where its annexes") for p in CATALOGUE_EN)
    assert any(p.startswith("Het register houdt vast wat de overeenkomst zegt. Waar de") for p in CATALOGUE_NL)
    assert "The annexes carry no date; this is the day they were recorded in the registry." in NOTES_EN
    assert "De bijlagen dragen geen datum; dit is de dag waarop ze in het register zijn vastgelegd." in NOTES_NL
    assert len(CATALOGUE_EN) > 300 and len(NOTES_EN) == len(NOTES_NL) == 16
