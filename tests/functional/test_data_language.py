"""The words of a processor's own lists keep their language and say so on a page in another (WCAG 2.1, 3.1.2):
Vcare's annexes are Dutch (seed/vcare.yaml), so on English pages its purposes carry lang="nl"; on Dutch pages they
need no mark; a processor whose lists are English is marked on Dutch pages instead."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import Processor

from .test_profile import SEEDED

pytestmark = pytest.mark.usefixtures("clock")
EN, NL = {"Accept-Language": "en"}, {"Accept-Language": "nl"}
# seed/vcare.yaml: what ChainWise does, as its Bijlage B line names it.
PURPOSE = "Support: Ticket- en klachtenafhandeling (alle diensten) (Bijlage B)"


def page(client, url, headers) -> str:
    return client.get(url, headers=headers).get_data(as_text=True)


def test_dutch_annex_words_are_marked_on_english_pages_only(client):
    english, dutch = page(client, "/processors/vcare/", EN), page(client, "/processors/vcare/", NL)
    assert f'<span lang="nl">{PURPOSE}</span>' in english
    assert PURPOSE in dutch and f'<span lang="nl">{PURPOSE}</span>' not in dutch
    service = page(client, "/processors/vcare/services/telefonie/", EN)
    assert '<span lang="nl">' in service


def test_a_processor_with_english_lists_is_marked_on_dutch_pages(client, users, login):
    login(users.vcare_editor)
    assert client.post("/admin/processors/vcare/profile", data={**SEEDED, "data_language": "en"}).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(Processor).filter_by(slug="vcare")).data_language == "en"
    client.post("/logout")
    assert f'<span lang="en">{PURPOSE}</span>' in page(client, "/processors/vcare/", NL)
    assert f'<span lang="en">{PURPOSE}</span>' not in page(client, "/processors/vcare/", EN)


def test_another_language_is_refused(client, users, login):
    login(users.vcare_editor)
    response = client.post("/admin/processors/vcare/profile", data={**SEEDED, "data_language": "de"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.scalar(select(Processor).filter_by(slug="vcare")).data_language == "nl"
