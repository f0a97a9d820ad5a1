"""Words on the pages: one full stop after a name that ends in one, plurals by count, no internal labels, one kind
of date, names sorted as people sort them (case ignored)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import Processor, SubProcessor
from registry.subprocessors.reading import sub_processors_of

from ..factories import PASSWORD
from .portal import announce, contract, processor

DUTCH, ENGLISH = {"Accept-Language": "nl"}, {"Accept-Language": "en"}
SLUGS = ("vcare", "vtm", "beterdichtbij", "contict", "ipvoice")
pytestmark = pytest.mark.usefixtures("clock")  # 1 December 2026, noon in Amsterdam


def _text(client, url, headers) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))


def test_a_name_that_ends_in_a_full_stop_ends_its_sentence_once(client):
    for headers in (DUTCH, ENGLISH):
        text = _text(client, "/processors/vcare/", headers)
        assert "Verwerkersovereenkomst Vcareconnect B.V.." not in text and "B.V.." not in text
        assert "Verwerkersovereenkomst Vcareconnect B.V." in text


def test_terms_versions_and_sources_carry_the_contracts_own_names(client):
    expected = {
        "vcare": "Verwerkersovereenkomst Vcareconnect B.V.",
        "beterdichtbij": "Verwerkersovereenkomst BeterDichtbij B.V.",
        "contict": "Verwerkersovereenkomst Contict",
        "vtm": "2.1",
        "ipvoice": "1.0 (maart 2023)",
    }
    for slug, version in expected.items():
        assert [t.version for t in processor(slug).contract_terms] == [version]
        for headers in (DUTCH, ENGLISH):
            assert "seed 0" not in _text(client, f"/processors/{slug}/", headers), slug


def test_one_day_is_one_day(client, users):
    terms = contract().terms
    terms.notice_days = 1
    db.session.commit()
    dutch = " ".join(_text(client, "/processors/vcare/", DUTCH).split())
    english = " ".join(_text(client, "/processors/vcare/", ENGLISH).split())
    assert "1 dag voordat een wijziging ingaat: het eigen beleid van de verwerker" in dutch and "1 dagen" not in dutch
    assert "1 day before a change takes effect: the processor's own policy" in english and "1 days" not in english


def test_a_moment_is_written_out_like_the_dates_beside_it(client, users):
    announce(users.vcare_editor)  # published on 1 December 2026 at noon, Amsterdam time
    dutch = " ".join(_text(client, "/processors/vcare/versions/", DUTCH).split())
    english = " ".join(_text(client, "/processors/vcare/versions/", ENGLISH).split())
    assert "1 december 2026 om 12:00 CET" in dutch and "1 dec 2026" not in dutch
    assert "December 1, 2026, 12:00 CET" in english and "1 Dec 2026" not in english


def test_names_are_sorted_whatever_their_case(client):
    db.session.add(
        Processor(slug="aardwerk", name="aardwerk", legal_name="aardwerk b.v.", listed_since=date(2026, 11, 1))
    )
    talksome = db.session.scalar(select(SubProcessor).filter_by(key="talksome"))
    talksome.name = "aardvark telecom"
    db.session.commit()
    text = _text(client, "/", ENGLISH)
    positions = [text.index(name) for name in ("aardwerk", "BeterDichtbij", "Contict", "IP Voice", "Vcare", "VTM")]
    assert positions == sorted(positions)
    names = [sp.name for sp in sub_processors_of(processor("vcare"))]
    assert names[:3] == ["aardvark telecom", "ChainWise", "Cloud CTI"]


def test_the_audit_log_names_who_acted_in_the_readers_language(client, users):
    response = client.post("/login", data={"email": users.vcare_editor.email, "password": PASSWORD}, headers=DUTCH)
    assert response.status_code == 302
    dutch = " ".join(_text(client, "/admin/processors/vcare/audit", DUTCH).split())
    assert " de startbestanden van het register vcare.yaml geladen: " in dutch and " seed " not in dutch
    assert "(redacteur van een verwerker)" in dutch and "(editor)" not in dutch
