"""A sub-processor's own sub-processors (GDPR art. 28(4), EDPB Opinion 22/2024): announced, dated, shown, withdrawn."""

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import Announcement, OnwardEngagement
from registry.subprocessors.checks import check_processor

from ..html import field_errors, rows_starting
from .announce import draft, form, publish, sp_id

# Bijlage A names Microsoft for these services of Vcare (seed 000).
MICROSOFT_SERVICES = ("support-tickets", "operator", "number-entry", "call-back", "reporter", "back-up")
pytestmark = pytest.mark.usefixtures("clock")  # announced on 1 December 2026


@pytest.fixture
def editor(client, users, login):
    login(users.vcare_editor)
    return client


def onward_add(client, parent_key="microsoft", name="PCI", effective="2027-01-15"):
    parent = sp_id("vcare", parent_key) if parent_key else None
    return publish(
        client,
        draft(
            client,
            parent_id=str(parent),
            new_name=name,
            services=MICROSOFT_SERVICES,
            effective_date=effective,
            locations=(("NL", "Amsterdam", ""),),
        ),
    )


def chain_in_json(client, day, service="operator", key="microsoft"):
    data = client.get(f"/api/v1/processors/vcare?at={day}").get_json()
    [svc] = [s for s in data["services"] if s["key"] == service]
    [sp] = [e["sub_processor"] for e in svc["engagements"] if e["sub_processor"]["key"] == key]
    return sp["sub_processors"]


def csv_rows(client, day):
    text = client.get(f"/processors/vcare/registry.csv?at={day}").get_data(as_text=True)
    return [
        (r["service_key"], r["sub_processor"], r["parent_sub_processor"], r["engaged_from"])
        for r in csv.DictReader(io.StringIO(text))
        if r["parent_sub_processor"]
    ]


def test_an_onward_add_shows_from_its_effective_date_and_not_before(editor):
    item = onward_add(editor)
    assert item.status == "published" and item.parent.name == "Microsoft"
    assert str(item.title).startswith("Vcare: Microsoft adds PCI as its own sub-processor for Support")
    assert chain_in_json(editor, "2027-01-14") == []
    [pci] = chain_in_json(editor, "2027-01-15")
    assert (pci["name"], pci["parent"], pci["engaged_from"]) == (
        "PCI",
        {"key": "microsoft", "name": "Microsoft"},
        "2027-01-15",
    )
    assert csv_rows(editor, "2027-01-14") == []
    assert ("operator", "PCI", "Microsoft", "2027-01-15") in csv_rows(editor, "2027-01-15")
    assert {row[0] for row in csv_rows(editor, "2027-01-15")} == set(MICROSOFT_SERVICES)
    before = editor.get("/processors/vcare/?at=2027-01-14").get_data(as_text=True)
    # The day before, PCI is only announced: each row that names it says so and links the announcement.
    announced = rows_starting(before, "↳ PCI")
    assert announced and all(row[0].endswith("from January 15, 2027: to be added") for row in announced)
    assert f'href="/processors/vcare/changes/{item.number}/">from January 15, 2027: to be added' in before
    page = editor.get("/processors/vcare/?at=2027-01-15").get_data(as_text=True)
    assert "↳ PCI" in page and "sub-processor of Microsoft" in page
    public = editor.get(f"/processors/vcare/changes/{item.number}/").get_data(as_text=True)
    assert "Microsoft, a sub-processor of Vcare, engages its own sub-processor: PCI." in public
    # "Microsoft (via PCI)" (Bijlage B): once PCI is in the chain, the intermediary is no longer missing from it.
    kinds = {f.kind for f in check_processor("vcare", date(2027, 1, 15))}
    assert "intermediary_not_in_chain" in {f.kind for f in check_processor("vcare", date(2027, 1, 14))}
    assert "intermediary_not_in_chain" not in kinds and "announcement_mismatch" not in kinds


def test_the_chain_is_walked_to_any_depth(editor):
    onward_add(editor)
    onward_add(editor, parent_key="pci", name="Deep Host", effective="2027-01-20")
    [pci] = chain_in_json(editor, "2027-01-20")
    [deep] = pci["sub_processors"]
    assert (deep["name"], deep["parent"]["name"], deep["engaged_from"]) == ("Deep Host", "PCI", "2027-01-20")
    assert ("reporter", "Deep Host", "PCI", "2027-01-20") in csv_rows(editor, "2027-01-20")
    assert "sub-processor of PCI" in editor.get("/processors/vcare/?at=2027-01-20").get_data(as_text=True)


def test_a_withdrawn_onward_add_shows_no_more(editor):
    item = onward_add(editor)
    response = editor.post(
        f"/admin/processors/vcare/announcements/{item.id}/withdraw", data={"reason": "PCI is not engaged after all"}
    )
    assert response.status_code == 302
    assert chain_in_json(editor, "2027-01-15") == [] and csv_rows(editor, "2027-01-15") == []
    link = db.session.scalar(select(OnwardEngagement).filter_by(announcement_id=item.id))
    assert link.cancelled is True  # nothing is deleted


def test_an_onward_remove_ends_the_link_on_its_effective_date(editor):
    onward_add(editor)
    removal = publish(
        editor,
        draft(
            editor,
            kind="remove",
            parent_id=str(sp_id("vcare", "microsoft")),
            target_id=str(sp_id("vcare", "pci")),
            services=MICROSOFT_SERVICES,
            effective_date="2027-02-01",
            locations=(),
        ),
    )
    assert str(removal.title).startswith("Vcare: Microsoft stops using its own sub-processor PCI")
    assert [c["name"] for c in chain_in_json(editor, "2027-01-31")] == ["PCI"]
    assert chain_in_json(editor, "2027-02-01") == []


def test_an_onward_change_must_name_every_service_its_parent_serves(editor):
    before = db.session.query(Announcement).count()
    response = editor.post(
        "/admin/processors/vcare/announcements/new",
        data=form(
            services=("operator",),
            parent_id=str(sp_id("vcare", "microsoft")),
            new_name="PCI",
            effective_date="2027-01-15",
            locations=(("NL", "Amsterdam", ""),),
        ),
    )
    assert response.status_code == 400
    assert field_errors(response.get_data(as_text=True)) == {
        "service_ids": (
            "Microsoft also serves Back-Up, Call Back (add-on voor de Operator), Number Entry, Reporter, Support: "
            "ticket- en klachtenafhandeling (alle diensten): a change of its own sub-processors concerns those "
            "services too; choose them as well."
        )
    }
    assert db.session.query(Announcement).count() == before
