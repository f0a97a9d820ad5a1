"""The overview at the top of a registry page: every sub-processor once, and its filter (service, country, EEA,
name) in the URL. Expected rows counted by hand from seed/vcare.yaml and seed/vtm.yaml."""

from datetime import date

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import Engagement, Location, OnwardEngagement, Processor, Service, SubProcessor

from ..html import by_id, parse, table_rows, texts
from ..queries import count_queries

pytestmark = pytest.mark.usefixtures("clock")
CAPTION = "The sub-processors of Vcare on"

# seed/vcare.yaml, Bijlage A: the services' sub-processors, each entity once (19; E-Zorg has no country).
VCARE = {
    "CM",
    "ChainWise",
    "Cloud CTI",
    "Digital Realty",
    "E-Zorg",
    "Equinix",
    "Informaxion",
    "KPN",
    "MINDD",
    "Medi-Link",
    "Mediaserve",
    "Micros",
    "Microsoft",
    "NG-Blu Networks",
    "Odido",
    "Quinnect",
    "Sound of Data",
    "SpeakUp",
    "Talksome",
}


def overview(client, query="", slug="vcare", caption=CAPTION):
    response = client.get(f"/processors/{slug}/{query}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return page, table_rows(page, caption) if "No sub-processor matches this filter." not in page else []


def names(rows):
    return [row[0] for row in rows]


def count_line(page):
    [line] = texts(page, "p", "count")
    return line


def test_every_sub_processor_once_with_its_services(client):
    page, rows = overview(client)
    assert sorted(names(rows), key=str.lower) == names(rows)  # by name
    assert set(names(rows)) == VCARE and len(rows) == 19
    assert count_line(page) == "19 of 19 sub-processors."
    equinix = next(row for row in rows if row[0] == "Equinix")
    assert equinix[2:4] == ["Netherlands", "no"]
    # Equinix serves 12 of the 17 services, in Bijlage A's order: all but Telefonie diensten, Support bij telefonie
    # diensten, Netwerkverbindingen, SMS Service and Sendi.
    assert equinix[4] == " ".join(
        [
            "Systeem logging",
            "Support: ticket- en klachtenafhandeling (alle diensten)",
            "Medialogging",
            "Operator",
            "Number Entry",
            "Integrator",
            "Call Back (add-on voor de Operator)",
            "Reporter",
            "Scheduler (add-on voor de Operator)",
            "Video Connect",
            "Photo Link",
            "Back-Up",
        ]
    )
    e_zorg = next(row for row in rows if row[0] == "E-Zorg")
    assert e_zorg[2:5] == ["not stated", "unknown", "Netwerkverbindingen"]
    # The service links keep the page's day.
    assert 'href="/processors/vcare/services/sendi/?at=2026-11-30"' in client.get(
        "/processors/vcare/?at=2026-11-30"
    ).get_data(as_text=True)


def test_what_it_does_is_said_once(client):
    _, rows = overview(client)
    microsoft = next(row for row in rows if row[0].startswith("Microsoft"))
    # Bijlage B's description, once, although Microsoft serves six services.
    assert microsoft[1].count("Support: Ticket- en klachtenafhandeling (alle diensten), Number Entry") == 1


@pytest.mark.parametrize(
    "query,expected",
    [
        ("?service=sendi", {"Medi-Link", "Micros"}),
        ("?service=telefonie", {"Talksome", "Odido", "SpeakUp", "Sound of Data", "Informaxion", "CM"}),
        ("?country=NL", VCARE - {"E-Zorg"}),
        ("?country=nl", VCARE - {"E-Zorg"}),
        ("?eea=inside", VCARE - {"E-Zorg"}),
        ("?eea=outside", set()),
        ("?name=SOUND", {"Sound of Data"}),
        ("?name=m%C3%A8di", {"Medi-Link", "Mediaserve"}),  # "mèdi": accents and case do not matter
        ("?service=telefonie&name=o", {"Talksome", "Odido", "Sound of Data", "Informaxion"}),
        ("?service=sendi&country=NL&eea=inside&name=link", {"Medi-Link"}),
        ("?service=&country=&eea=all&name=", VCARE),
    ],
)
def test_each_filter_alone_and_combined(client, query, expected):
    page, rows = overview(client, query)
    assert set(names(rows)) == expected
    assert count_line(page) == f"{len(expected)} of 19 sub-processors."
    if not expected:
        assert "No sub-processor matches this filter." in texts(page, "p")


def test_the_form_shows_the_filter_and_keeps_the_day(client):
    page, _ = overview(client, "?at=2026-11-30&service=sendi&name=link")
    form = next(f for f in parse(page).iter("form") if "filter" in (f.get("class") or ""))
    assert form.get("action") == "/processors/vcare/" and form.get("method") == "get"
    fields = {i.get("name"): i.get("value") for i in form.iter("input")}
    assert fields == {"at": "2026-11-30", "name": "link"}
    selected = [o.get("value") for o in form.iter("option") if o.get("selected") is not None]
    assert selected == ["sendi", "all"]
    # The day's own form keeps the filter, and posts to the page's path (never action="").
    at_form = next(f for f in parse(page).iter("form") if f.get("class") == "at")
    assert at_form.get("action") == "/processors/vcare/"
    assert {i.get("name"): i.get("value") for i in at_form.iter("input") if i.get("type") == "hidden"} == {
        "service": "sendi",
        "name": "link",
    }


def test_only_the_filtered_service_is_open_below(client):
    page, _ = overview(client, "?service=sendi")
    opened = [d.get("id") for d in parse(page).iter("details") if d.get("open") is not None]
    assert opened == ["svc-sendi"]
    page, _ = overview(client)
    assert [d for d in parse(page).iter("details") if d.get("open") is not None] == []
    assert len(list(parse(page).iter("details"))) == 17  # Bijlage A's 17 services, each still below


@pytest.mark.parametrize(
    "query,field,message,expected",
    [
        ("?service=nope&name=sound", "service", "There is no service 'nope' here; showing every service.", 1),
        ("?country=US&service=sendi", "country", "No sub-processor here processes in 'US'; showing every country.", 2),
        ("?country=%3Cb%3E&service=sendi", "country", "No sub-processor here processes in '<b>'; showing", 2),
        ("?eea=maybe&service=telefonie", "eea", "Choose all, inside or outside the EEA; showing all.", 6),
        (
            "?name=" + "x" * 10_000 + "&service=sendi",
            "name",
            "A name to look for has at most 200 characters (this one has 10000); not applied.",
            2,
        ),
    ],
)
def test_a_bad_value_is_said_next_to_its_field_and_the_others_still_apply(client, query, field, message, expected):
    page, rows = overview(client, query)
    assert by_id(page, f"f-{field}-error").startswith(message)
    assert len(rows) == expected and count_line(page) == f"{expected} of 19 sub-processors."
    assert "<b>" not in page


def test_hostile_text_is_looked_for_as_text(client):
    page, rows = overview(client, "?name=%3Cscript%3Ealert(1)%3C/script%3E%27%20OR%201=1--")
    assert rows == [] and count_line(page) == "0 of 19 sub-processors."
    assert "<script>alert(1)" not in page and 'value="&lt;script&gt;alert(1)&lt;/script&gt;&#39; OR 1=1--"' in page


def test_a_past_day_with_the_filter(client):
    page = client.get("/processors/vcare/?at=2026-10-01&service=sendi").get_data(as_text=True)
    assert "holds no sub-processor list for Vcare before November 1, 2026" in page and "f-service" not in page


def _accented_entity(vtm, parent):
    """An onward sub-processor with an accented name under one of VTM's (no seed has one)."""
    child = SubProcessor(processor_id=vtm.id, key="zurich", name="Zürich Cloud AG", legal_name="Zürich Cloud AG")
    db.session.add(child)
    db.session.flush()
    db.session.add(Location(sub_processor_id=child.id, country_code="CH", valid_from=date(2026, 1, 1)))
    db.session.add(
        OnwardEngagement(
            processor_id=vtm.id, parent_id=parent.id, sub_processor_id=child.id, valid_from=vtm.listed_since
        )
    )
    db.session.commit()


def test_onward_sub_processors_stand_under_their_parent(client):
    vtm = db.session.scalar(select(Processor).filter_by(slug="vtm"))
    parent = db.session.scalar(select(SubProcessor).filter_by(processor_id=vtm.id, key="salesbuildr"))
    _accented_entity(vtm, parent)
    caption = "The sub-processors of VTM on"
    page, rows = overview(client, slug="vtm", caption=caption)
    # seed/vtm.yaml: four sub-processors engaged for its one service, by name; the onward one under Salesbuildr.
    assert [r[0].split(" ")[0] for r in rows] == ["AFAS", "Microsoft", "N-able", "Salesbuildr", "↳"]
    assert rows[4][0] == "↳ Zürich Cloud AG sub-processor of Salesbuildr"
    assert rows[4][3] == "outside the EEA: none stated"
    page, rows = overview(client, "?name=zurich", slug="vtm", caption=caption)
    assert len(rows) == 1 and rows[0][0].startswith("↳ Zürich Cloud AG")
    page, rows = overview(client, "?eea=outside", slug="vtm", caption=caption)
    assert [r[0].split(" ")[0] for r in rows] == ["N-able", "↳"]
    page, rows = overview(client, "?country=CH", slug="vtm", caption=caption)
    assert len(rows) == 1 and count_line(page) == "1 of 5 sub-processors."
    countries = [o.get("value") for o in parse(page).iter("option") if o.get("value", "").isupper()]
    assert countries == ["DE", "IE", "NL", "CH"]  # by name: Germany, Ireland, Netherlands, Switzerland


def _more_sub_processors(vtm, service, numbers):
    """Sub-processors engaged for VTM's service, each with one onward sub-processor of its own."""
    sp_day = date(2026, 1, 1)
    for i in numbers:
        sp = SubProcessor(processor_id=vtm.id, key=f"sp-{i}", name=f"Sub {i}", legal_name=f"Sub {i} B.V.")
        child = SubProcessor(processor_id=vtm.id, key=f"child-{i}", name=f"Child {i}")
        db.session.add_all([sp, child])
        db.session.flush()
        for entity, country in ((sp, "DE"), (child, "US")):
            db.session.add(Location(sub_processor_id=entity.id, country_code=country, valid_from=date(2026, 1, 1)))
        db.session.add(
            Engagement(processor_id=vtm.id, service_id=service.id, sub_processor_id=sp.id, valid_from=date(2026, 1, 1))
        )
        link = OnwardEngagement(processor_id=vtm.id, parent_id=sp.id, sub_processor_id=child.id, valid_from=sp_day)
        db.session.add(link)
    db.session.commit()


def test_queries_do_not_grow_with_the_sub_processors(client):
    vtm = db.session.scalar(select(Processor).filter_by(slug="vtm"))
    service = db.session.scalar(select(Service).filter_by(processor_id=vtm.id))
    _more_sub_processors(vtm, service, [0])  # one onward link already: loading the chain costs its queries
    plain, filtered = "/processors/vtm/", "/processors/vtm/?service=it-telecom&country=NL&eea=inside&name=a"
    before = count_queries(client, plain), count_queries(client, filtered)
    assert before[0] == before[1]  # the filter is applied to what was read
    _more_sub_processors(vtm, service, range(1, 31))
    assert (count_queries(client, plain), count_queries(client, filtered)) == before
    page, rows = overview(client, slug="vtm", caption="The sub-processors of VTM on")
    assert count_line(page) == "66 of 66 sub-processors."  # VTM's 4 and 31 more, each with one of its own
    assert len(rows) == 66
