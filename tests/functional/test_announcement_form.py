"""The announcement form shows only the fields of the kind of change chosen: first the kind (a GET, ?kind=…,
that works without JavaScript), then its fields; a script switches them at once. A button ticks every service
that uses the chosen sub-processor (without JavaScript: the form comes back with them ticked, nothing saved)."""

import json

import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import Announcement

from ..html import field_error, parse
from .announce import draft, form, ids, sp_id

pytestmark = pytest.mark.usefixtures("clock")
NEW = "/admin/processors/vcare/announcements/new"
WHEN = {"kind", "service_ids", "tick_services", "reason", "effective_date", "urgent"}
WHEN |= {"urgency_justification"}
LOCATIONS = {f"locations-{i}-{name}" for i in range(3) for name in ("country", "place", "role", "transfer_basis")}
BRINGS_IN = {"entity_id", "new_name", "new_legal_name", "new_established_in", "new_description", "new_dpa_in_place"}
BRINGS_IN |= {"purpose"} | LOCATIONS
# Equinix's services in seed/vcare.yaml.
EQUINIX = ("systeem-logging", "support-tickets", "medialogging", "operator", "number-entry", "integrator")
EQUINIX += ("call-back", "reporter", "scheduler", "video-connect", "photo-link", "back-up")


@pytest.fixture
def editor(client, users, login):
    login(users.vcare_editor)
    return client


def shown_fields(page: str) -> set[str]:
    """The names of the announcement form's controls a reader sees (not inside anything hidden)."""
    root = parse(page)
    post = root.find(".//form[@id='announcement-form']")
    assert post is not None
    names = set()

    def walk(node, hidden):
        hidden = hidden or "hidden" in node.attrib and node.tag != "input"
        if node.tag in ("input", "select", "textarea", "button") and node.get("name") and not hidden:
            names.add(node.get("name"))
        for child in node:
            walk(child, hidden)

    walk(post, "hidden" in post.attrib)
    return names


def test_the_first_step_asks_the_kind(editor):
    page = editor.get(NEW).get_data(as_text=True)
    step = parse(page).find(".//form[@id='kind-step']")
    assert step.get("method") == "get" and step.get("action") == NEW
    assert [o.text for o in step.iter("option")] == [
        "— choose —",
        "Add a sub-processor",
        "Replace a sub-processor",
        "Remove a sub-processor",
        "Change a sub-processor's locations or transfer basis",
    ]
    assert shown_fields(page) == set()  # the fields wait for the kind
    assert '<script src="/static/announcement-form.js" defer></script>' in page


@pytest.mark.parametrize(
    "kind,fields",
    [
        ("add", WHEN | {"parent_id"} | BRINGS_IN),
        ("replace", WHEN | {"parent_id", "target_id"} | BRINGS_IN),
        ("remove", WHEN | {"parent_id", "target_id"}),
        ("change_locations", WHEN | {"target_id"} | LOCATIONS),
    ],
)
def test_the_second_step_shows_only_the_fields_of_the_kind(editor, kind, fields):
    page = editor.get(f"{NEW}?kind={kind}").get_data(as_text=True)
    assert shown_fields(page) == fields
    assert f'<input type="hidden" name="kind" value="{kind}">' in page


def test_a_draft_shows_the_fields_of_its_kind(editor):
    item = draft(editor, kind="remove", services=("sendi",), target_id=str(sp_id("vcare", "micros")), locations=())
    page = editor.get(f"/admin/processors/vcare/announcements/{item.id}/edit").get_data(as_text=True)
    assert shown_fields(page) == WHEN | {"parent_id", "target_id"}


def test_what_a_browser_sends_for_another_kinds_fields_is_left_out(editor):
    # A removal posted with a new name and a location left over from the kind first chosen.
    item = draft(
        editor,
        kind="remove",
        services=("sendi",),
        target_id=str(sp_id("vcare", "micros")),
        new_name="Left over",
        purpose="Left over",
        locations=(("US", "Virginia", "scc"),),
    )
    assert (item.kind, item.new_name, item.purpose, item.locations) == ("remove", None, None, [])


def test_the_button_ticks_every_service_that_uses_the_sub_processor_without_javascript(editor):
    data = form(kind="change_locations", services=("sendi",), target_id=str(sp_id("vcare", "equinix")))
    before = db.session.scalar(select(func.count()).select_from(Announcement))
    response = editor.post(NEW, data={**data, "tick_services": "1"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    ticked = {
        int(box.get("value"))
        for box in parse(page).iter("input")
        if box.get("name") == "service_ids" and "checked" in box.attrib
    }
    assert ticked == set(ids("vcare", *EQUINIX))  # Sendi, which Equinix does not serve, is no longer ticked
    assert db.session.scalar(select(func.count()).select_from(Announcement)) == before  # nothing saved
    # What was typed stays.
    assert 'value="Virginia"' in page and "A reason a controller can weigh" in page


def test_the_button_says_what_is_missing(editor):
    response = editor.post(NEW, data={**form(kind="remove"), "tick_services": "1"})
    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), "service_ids") == (
        "Choose the sub-processor first: then its services can be ticked."
    )


def test_the_script_gets_the_services_of_each_sub_processor(editor):
    page = editor.get(f"{NEW}?kind=remove").get_data(as_text=True)
    using = json.loads(parse(page).find(".//form[@id='announcement-form']").get("data-services-of"))
    assert using[str(sp_id("vcare", "equinix"))] == ids("vcare", *EQUINIX)
    assert using[str(sp_id("vcare", "micros"))] == ids("vcare", "sendi")
    with editor.get("/static/announcement-form.js") as script:
        assert script.status_code == 200 and b"data-services-of" in script.data


def ticked(page: str) -> set[int]:
    return {
        int(box.get("value"))
        for box in parse(page).iter("input")
        if box.get("name") == "service_ids" and "checked" in box.attrib
    }


def test_down_the_chain_the_button_ticks_the_services_of_the_parent(editor):
    data = form(kind="add", services=(), parent_id=str(sp_id("vcare", "equinix")), new_name="Its own")
    response = editor.post(NEW, data={**data, "tick_services": "1"})
    assert response.status_code == 200 and ticked(response.get_data(as_text=True)) == set(ids("vcare", *EQUINIX))


@pytest.mark.parametrize("target", ["abc", "-1", "99999999999", ""])
def test_the_button_with_a_sub_processor_that_is_not_one(editor, target):
    response = editor.post(
        NEW, data={**form(kind="remove", services=("sendi",)), "target_id": target, "tick_services": "1"}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert field_error(page, "service_ids") == "Choose the sub-processor first: then its services can be ticked."
    assert ticked(page) == set(ids("vcare", "sendi"))  # as sent
