"""A processor's profile (/admin/processors/<slug>/profile): its editors and the site admin keep its name, legal
name, registration number and address; the slug stays; every change is on record with its old and new value."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import AuditEntry, Processor

from ..html import field_errors

pytestmark = pytest.mark.usefixtures("clock")
URL = "/admin/processors/vcare/profile"
# seed/vcare.yaml: name Vcare, legal name Vcareconnect B.V., KvK 06083003, Pantheon 2, 7521 PR Enschede.
SEEDED = {
    "name": "Vcare",
    "legal_name": "Vcareconnect B.V.",
    "kvk_number": "06083003",
    "address": "Pantheon 2, 7521 PR Enschede",
}


def vcare() -> Processor:
    db.session.expire_all()
    return db.session.scalar(select(Processor).filter_by(slug="vcare"))


def updates():
    return db.session.scalars(select(AuditEntry).filter_by(action="processor.update")).all()


@pytest.mark.parametrize("actor", ["vcare_editor", "admin"])
def test_an_editor_changes_the_profile_on_record(client, users, login, actor):
    login(getattr(users, actor))
    page = client.get(URL).get_data(as_text=True)
    assert 'value="Vcareconnect B.V."' in page and 'value="06083003"' in page
    changed = {**SEEDED, "address": "Pantheon 2\n7521 PR  Enschede, Nederland", "kvk_number": "0608 3003"}
    response = client.post(URL, data=changed)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/processors/vcare/"
    stored = vcare()
    assert stored.address == "Pantheon 2 7521 PR Enschede, Nederland" and stored.kvk_number == "06083003"
    assert stored.slug == "vcare"
    [entry] = updates()
    assert entry.details["changes"] == {
        "address": ["Pantheon 2, 7521 PR Enschede", "Pantheon 2 7521 PR Enschede, Nederland"]
    }
    assert entry.actor_id == getattr(users, actor).id
    assert client.post(URL, data=changed).status_code == 302
    assert len(updates()) == 1  # the same values again: nothing to record


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("kvk_number", "1234", "A KvK number has 8 digits (this has 4)"),
        ("name", "VTM", "A processor named 'VTM' exists already."),
        ("name", "vtm", "A processor named 'vtm' exists already."),
        ("legal_name", "   ", "Give the legal name as registered."),
    ],
)
def test_a_refused_profile_keeps_what_was_typed(client, users, login, field, typed, message):
    login(users.vcare_editor)
    response = client.post(URL, data={**SEEDED, field: typed, "address": "Nieuw adres <script>1</script>"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in field_errors(html).get(field, ""), field_errors(html)
    assert "Nieuw adres &lt;script&gt;1&lt;/script&gt;" in html and "<script>1" not in html
    assert vcare().address == SEEDED["address"] and not updates()


@pytest.mark.parametrize(("actor", "status"), [("anonymous", 302), ("controller_a", 403), ("vtm_editor", 404)])
def test_nobody_else_reaches_the_profile(client, users, login, actor, status):
    if actor != "anonymous":
        login(getattr(users, actor))
    assert client.get(URL).status_code == status
    assert client.post(URL, data={**SEEDED, "name": "Taken over"}).status_code == status
    assert vcare().name == "Vcare" and not updates()


def test_the_processor_page_links_to_the_profile(client, users, login):
    login(users.vcare_editor)
    assert 'href="/admin/processors/vcare/profile"' in client.get("/admin/processors/vcare/").get_data(as_text=True)
