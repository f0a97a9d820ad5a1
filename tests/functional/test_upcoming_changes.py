"""The registry and service pages mark the announced changes that have not taken effect on the day shown, each
linking its announcement, and say when the registry last changed.

On a fixed clock (Tuesday 1 December 2026); the announcements take effect 60 days later, Saturday 30 January
2027 (tests/functional/announce.py). Vcare's list was recorded on 1 November 2026 (seed/vcare.yaml, listed_since).
"""

import pytest

from ..html import by_id, parse, rows_starting, table_rows, text, texts
from .announce import draft, publish, sp_id

pytestmark = pytest.mark.usefixtures("clock")
OVERVIEW = "The sub-processors of Vcare on"
LAST = "Last changed on {} (the last day on which a change took effect)."


@pytest.fixture
def editor(client, users, login):
    login(users.vcare_editor)
    return client


def marks(page):
    return texts(page, "a", "upcoming-mark")


def test_an_added_sub_processor_is_marked_before_it_comes_in(editor):
    item = publish(editor, draft(editor, new_name="Acme Cloud", purpose="Transcription", services=("operator",)))
    page = editor.get("/processors/vcare/").get_data(as_text=True)
    [line] = texts(page, "p", "count")
    assert line == "19 of 19 sub-processors; 1 more announced."
    acme = [row for row in table_rows(page, OVERVIEW) if row[0].startswith("Acme Cloud")]
    assert acme == [
        [
            "Acme Cloud from January 30, 2027: to be added",
            "Transcription",
            "United States (Virginia)",
            "outside the EEA: Standard contractual clauses (Decision (EU) 2021/914)",
            "Operator",
        ]
    ]
    link = f'href="/processors/vcare/changes/{item.number}/"'
    assert page.count(link) == 2  # on the overview's row and in Operator's own table
    [service_row] = [r for r in rows_starting(page, "Acme Cloud") if len(r) == 6]
    assert service_row[0] == "Acme Cloud from January 30, 2027: to be added"
    # The filter applies to the announced rows too.
    page = editor.get("/processors/vcare/?eea=outside").get_data(as_text=True)
    assert texts(page, "p", "count") == ["0 of 19 sub-processors; 1 more announced."]
    page = editor.get("/processors/vcare/?service=sendi").get_data(as_text=True)
    assert texts(page, "p", "count") == ["2 of 19 sub-processors."]


def test_on_the_day_it_takes_effect_it_is_a_row_like_the_others(editor):
    publish(editor, draft(editor, new_name="Acme Cloud", purpose="Transcription", services=("operator",)))
    page = editor.get("/processors/vcare/?at=2027-01-30&service=operator").get_data(as_text=True)
    rows = table_rows(page, OVERVIEW)
    assert [r[0] for r in rows] == ["Acme Cloud", "Digital Realty", "Equinix", "Microsoft"]
    assert marks(page) == [] and texts(page, "p", "count") == ["4 of 20 sub-processors."]
    assert LAST.format("January 30, 2027") in text(parse(page).find(".//main"))
    # The day before, it is still to come.
    page = editor.get("/processors/vcare/?at=2027-01-29&service=operator").get_data(as_text=True)
    assert marks(page) == ["from January 30, 2027: to be added"] * 2  # the overview's row and Operator's table


def test_a_replacement_marks_both_and_a_removal_the_one_that_ends(editor):
    publish(
        editor,
        draft(
            editor,
            kind="replace",
            services=("sms-service",),
            target_id=str(sp_id("vcare", "cm")),
            new_name="MessageHub",
            locations=(("NL", "Amsterdam", ""),),
        ),
    )
    publish(
        editor, draft(editor, kind="remove", services=("sendi",), target_id=str(sp_id("vcare", "micros")), locations=())
    )
    page = editor.get("/processors/vcare/").get_data(as_text=True)
    rows = {row[0].split(" from ")[0]: row for row in table_rows(page, OVERVIEW)}
    assert rows["CM"][0] == "CM from January 30, 2027: to end, replaced by MessageHub"
    assert rows["Micros"][0] == "Micros from January 30, 2027: to end"
    assert rows["MessageHub"][0] == "MessageHub from January 30, 2027: replaces CM"
    assert rows["MessageHub"][2:5] == ["Netherlands (Amsterdam)", "no", "SMS Service"]
    # CM also serves Telefonie diensten: in that service's table it carries no mark.
    [telefonie_cm, sms_cm] = [r for r in rows_starting(page, "CM") if len(r) == 6]
    assert telefonie_cm[0].startswith("CM Bijlage A") and "to end" not in telefonie_cm[0]
    assert sms_cm[0].endswith("from January 30, 2027: to end, replaced by MessageHub")
    # The service page marks them too.
    page = editor.get("/processors/vcare/services/sendi/").get_data(as_text=True)
    assert marks(page) == ["from January 30, 2027: to end"]
    assert LAST.format("November 1, 2026") in text(parse(page).find(".//main"))


def test_a_change_of_locations_says_where_to(editor):
    publish(
        editor,
        draft(
            editor,
            kind="change_locations",
            services=("sendi",),
            target_id=str(sp_id("vcare", "medi-link")),
            locations=(("DE", "Frankfurt", ""),),
        ),
    )
    page = editor.get("/processors/vcare/?name=medi-link").get_data(as_text=True)
    [row] = table_rows(page, OVERVIEW)
    assert row[0] == "Medi-Link from January 30, 2027: locations change to Germany (Frankfurt)"
    assert row[2] == "Netherlands"  # where it processes today


def test_a_withdrawn_change_is_not_marked(editor):
    item = publish(editor, draft(editor, new_name="Acme Cloud", services=("operator",)))
    response = editor.post(
        f"/admin/processors/vcare/announcements/{item.id}/withdraw", data={"reason": "The contract fell through"}
    )
    assert response.status_code == 302
    page = editor.get("/processors/vcare/").get_data(as_text=True)
    assert marks(page) == [] and "Acme Cloud" not in page
    assert texts(page, "p", "count") == ["19 of 19 sub-processors."]


def test_a_past_day_does_not_show_what_was_announced_later(editor):
    publish(editor, draft(editor, new_name="Acme Cloud", services=("operator",)))
    page = editor.get("/processors/vcare/?at=2026-11-15").get_data(as_text=True)
    assert marks(page) == [] and LAST.format("November 1, 2026") in text(parse(page).find(".//main"))
    assert by_id(page, "overview-h") == "All sub-processors"


def test_in_dutch(editor):
    publish(editor, draft(editor, new_name="Acme Cloud", services=("operator",)))
    editor.post("/language", data={"language": "nl", "next": "/"})
    page = editor.get("/processors/vcare/").get_data(as_text=True)
    assert marks(page) == ["vanaf 30 januari 2027: wordt toegevoegd"] * 2
    assert texts(page, "p", "count") == ["19 van 19 subverwerkers; nog 1 aangekondigd."]
