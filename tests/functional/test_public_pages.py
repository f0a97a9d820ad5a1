"""Every public page and download through the test client, including bad input."""

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import Engagement, Location, OnwardEngagement, Processor, Service, SubProcessor

from ..html import rows_starting, texts
from ..queries import count_queries

SLUGS = ["vcare", "beterdichtbij", "ipvoice", "contict", "vtm"]
XSS = "<script>alert(1)</script> & Co"


# The authorisation each seed contract gives, and its article (DESIGN.md section 3, read from the contracts).
AUTHORISATIONS = {
    "vcare": ("General written authorisation", "art. 4.1"),
    "beterdichtbij": ("Specific prior written authorisation", "art. 7.1"),
    "ipvoice": ("General written authorisation", "art. 5.1"),
    "contict": ("Specific prior written authorisation", "art. 3.4, 5.1"),
    "vtm": ("General written authorisation", "art. 9.1, 9.2"),
}


@pytest.mark.parametrize("slug", SLUGS)
def test_each_processor_page_shows_its_terms_with_articles(client, slug):
    response = client.get(f"/processors/{slug}/")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "No contract terms were in force" not in text
    [row] = rows_starting(text, "Authorisation")
    assert tuple(row[1:3]) == AUTHORISATIONS[slug]
    assert f"/api/v1/processors/{slug}" in text and f"/processors/{slug}/registry.csv" in text


def test_vcare_page_lists_services_sub_processors_and_inconsistencies(client):
    text = client.get("/processors/vcare/").get_data(as_text=True)
    for expected in [
        "Telefonie diensten",
        "Sound of Data",
        "Netherlands",
        "art. 4.1",
        "1 month",
        "Inconsistencies in the contract",
        "E-Zorg",
        "Gezondheidsinformatie",
        "90 dagen",
    ]:
        assert expected in text, expected


def test_terms_quote_the_contract_in_dutch_with_a_translation_on_english_pages(client):
    text = client.get("/processors/ipvoice/").get_data(as_text=True)
    # IP Voice art. 10.2, word for word, marked as Dutch; then our English rendering, marked as a translation.
    assert '<blockquote lang="nl">De Verwerkersovereenkomst kan tussentijds niet worden opgezegd.</blockquote>' in text
    assert "<strong>Translation:</strong> The Data Processing Agreement cannot be terminated early." in text
    assert "art. 10.2</span>, quoted from the contract (Dutch)" in text
    # The contract says nothing of notice: the 30 days are labelled as IP Voice's own policy, with no quote.
    assert "30 days before a change takes effect: the processor's own policy" in text
    assert "No article of the contract addresses this." in text
    assert "The contract sets no deadline to object." in text


def test_terms_on_dutch_pages_quote_the_contract_without_a_translation(client):
    text = client.get("/processors/contict/", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert (
        '<blockquote lang="nl">Indien de Overeenkomst eindigt, eindigt deze Verwerkersovereenkomst automatisch;' in text
    )
    assert "Vertaling" not in text and "cannot be terminated" not in text
    assert "Toestemming mag niet op onredelijke gronden worden onthouden (art. 5.1)." in text


def test_ip_voice_page_says_its_list_is_given_on_request(client):
    text = client.get("/processors/ipvoice/").get_data(as_text=True)
    assert "on the controller&#39;s first request (art. 5.2)" in text
    assert (
        "The contract (art. 3.1, 3.3) names EU-US Privacy Shield (Decision 2016/1250) as a transfer basis; "
        "Invalidated by the Court of Justice of the EU on 16 July 2020 (C-311/18, Schrems II). The portal does "
        "not accept it as a current basis. [art. 3.1, 3.3]"
    ) in texts(text, "li")


def test_beterdichtbij_page_names_kpn_kandy_as_bijlage_1_does(client):
    text = client.get("/processors/beterdichtbij/").get_data(as_text=True)
    assert "KPN/Kandy" in text and "does not say whether Kandy is KPN" in text
    assert "sub-processor of KPN" not in text
    assert "Germany (Frankfurt)" in text


def _onward_sub_processor(parent_key, name):
    """A sub-processor engaged by one of VTM's (no seed contract states such a chain; EDPB Opinion 22/2024)."""
    vtm = db.session.scalar(select(Processor).filter_by(slug="vtm"))
    parent = db.session.scalar(select(SubProcessor).filter_by(processor_id=vtm.id, key=parent_key))
    child = SubProcessor(processor_id=vtm.id, key="onward", name=name, parent_id=parent.id, source="Test")
    db.session.add(child)
    db.session.flush()
    db.session.add(
        OnwardEngagement(
            processor_id=vtm.id,
            parent_id=parent.id,
            sub_processor_id=child.id,
            source="Test",
            valid_from=vtm.listed_since,
        )
    )
    db.session.commit()
    return parent


def test_processor_page_shows_an_onward_sub_processor(client):
    parent = _onward_sub_processor("salesbuildr", "Example Onward Hosting B.V.")
    text = client.get("/processors/vtm/").get_data(as_text=True)
    assert "Example Onward Hosting B.V." in text and f"sub-processor of {parent.name}" in text


def test_vtm_page_flags_n_able_outside_the_eea(client):
    text = client.get("/processors/vtm/").get_data(as_text=True)
    # The service's table (six columns; the overview above has five).
    [row] = [r for r in rows_starting(text, "N-able Technologies LTD") if len(r) == 6]
    assert row[2:5] == ["Worldwide (Datacenters wereldwijd verspreid)", "outside the EEA", "none stated"]
    assert (
        "N-able Technologies LTD processes in Worldwide (Datacenters wereldwijd verspreid), outside the EEA: no "
        "transfer basis stated. [Bijlage 1 D]"
    ) in texts(text, "li")


def test_service_page(client):
    response = client.get("/processors/vcare/services/sendi/")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "Micros" in text and "Medi-Link" in text and "Equinix" not in text


def test_registry_as_of_a_past_date(client):
    text = client.get("/processors/beterdichtbij/?at=2019-01-01").get_data(as_text=True)
    assert "holds no sub-processor list for BeterDichtbij before March 14, 2020" in text
    assert "Sendgrid" not in text
    text = client.get("/processors/beterdichtbij/?at=2021-01-01").get_data(as_text=True)
    assert "Sendgrid" in text


@pytest.mark.parametrize(
    "url",
    [
        "/processors/nope/",
        "/processors/nope/services/x/",
        "/processors/vcare/services/nope/",
        "/processors/nope/registry.csv",
        "/nowhere",
    ],
)
def test_unknown_things_get_a_404_page(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in response.get_data(as_text=True)


FORMAT = "'at' must be a date written as YYYY-MM-DD, e.g. 2026-01-31; got '{}'."


@pytest.mark.parametrize(
    "at,message",
    [
        ("2026-13-01", FORMAT.format("2026-13-01")),
        ("yesterday", FORMAT.format("yesterday")),
        ("2026-02-30", FORMAT.format("2026-02-30")),
        ("1900-01-01", "'at' must be 1990-01-01 or later: the GDPR registry holds nothing earlier."),
    ],
)
def test_bad_at_gets_400_with_a_message(client, at, message):  # %00: test_hostile_input
    response = client.get(f"/processors/vcare/?at={at}")
    assert response.status_code == 400
    assert message in texts(response.get_data(as_text=True), "p")


def test_json_api_lists_processors(client):
    data = client.get("/api/v1/processors").get_json()
    assert sorted(p["slug"] for p in data["processors"]) == sorted(SLUGS)
    for p in data["processors"]:
        assert p["url"] == f"http://registry.test/processors/{p['slug']}/"
        assert p["api_url"] == f"http://registry.test/api/v1/processors/{p['slug']}"
    assert {p["slug"]: p["legal_name"] for p in data["processors"]}["vtm"] == "VTM Services B.V."


def test_json_api_registry_of_one_processor(client):
    data = client.get("/api/v1/processors/vtm?at=2026-11-22").get_json()
    assert data["registry_date"] == "2026-11-22"
    assert data["contract_terms"]["transfer_rule"] == {
        "value": "adequacy_or_scc",
        "article": "10.1",
        "text": data["contract_terms"]["transfer_rule"]["text"],
    }
    sps = {e["sub_processor"]["key"]: e["sub_processor"] for e in data["services"][0]["engagements"]}
    assert sps["n-able"]["outside_eea"] is True
    assert sps["n-able"]["locations"][0]["worldwide"] is True
    assert sps["n-able"]["locations"][0]["transfer_basis_problem"] == "no transfer basis stated"


def test_json_api_errors_are_json(client):
    response = client.get("/api/v1/processors/nope")
    assert response.status_code == 404 and response.get_json()["error"] == "Not Found"
    response = client.get("/api/v1/processors/vcare?at=31-01-2026")
    assert response.status_code == 400 and "YYYY-MM-DD" in response.get_json()["message"]


def test_csv_download(client):
    response = client.get("/processors/vcare/registry.csv?at=2026-11-22")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "vcare-registry-2026-11-22.csv" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    sendi = sorted(r["sub_processor"] for r in rows if r["service_key"] == "sendi")
    assert sendi == ["Medi-Link", "Micros"]
    assert {r["outside_eea"] for r in rows if r["sub_processor"] == "Equinix"} == {"no"}
    assert {r["outside_eea"] for r in rows if r["sub_processor"] == "E-Zorg"} == {"unknown"}


def test_csv_includes_onward_sub_processors(client):
    _onward_sub_processor("salesbuildr", "Example Onward Hosting B.V.")
    rows = list(csv.DictReader(io.StringIO(client.get("/processors/vtm/registry.csv").get_data(as_text=True))))
    assert any(
        r["sub_processor"] == "Example Onward Hosting B.V." and r["parent_sub_processor"] == "Salesbuildr" for r in rows
    )


def _hostile_sub_processor(name):
    vtm = db.session.scalar(select(Processor).filter_by(slug="vtm"))
    sp = SubProcessor(processor_id=vtm.id, key="hostile", name=name, note=name)
    db.session.add(sp)
    db.session.flush()
    db.session.add(Location(sub_processor_id=sp.id, country_code="NL", place=name, valid_from=date(2026, 1, 1)))
    service = db.session.scalar(select(Service).filter_by(processor_id=vtm.id))
    db.session.add(
        Engagement(
            processor_id=vtm.id,
            service_id=service.id,
            sub_processor_id=sp.id,
            valid_from=date(2026, 1, 1),
            purpose=name,
        )
    )
    db.session.commit()


def test_user_text_is_escaped_in_html(client):
    _hostile_sub_processor(XSS)
    text = client.get("/processors/vtm/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in text


def test_user_text_reads_as_itself_in_json(client):
    _hostile_sub_processor(XSS)
    data = client.get("/api/v1/processors/vtm").get_json()
    assert any(e["sub_processor"]["name"] == XSS for e in data["services"][0]["engagements"])


def test_formulas_are_defused_in_csv(client):
    _hostile_sub_processor('=HYPERLINK("http://evil")')
    rows = list(csv.reader(io.StringIO(client.get("/processors/vtm/registry.csv").get_data(as_text=True))))
    assert any(row[3] == '\'=HYPERLINK("http://evil")' for row in rows)
    assert not any(cell.startswith("=") for row in rows for cell in row)


def test_security_headers(client):
    response = client.get("/")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_registry_page_queries_do_not_grow_with_history(app, client):
    before = count_queries(client, "/processors/vtm/?at=2027-06-01")
    vtm = db.session.scalar(select(Processor).filter_by(slug="vtm"))
    service = db.session.scalar(select(Service).filter_by(processor_id=vtm.id))
    for i in range(40):
        sp = SubProcessor(processor_id=vtm.id, key=f"sp-{i}", name=f"Sub {i}")
        db.session.add(sp)
        db.session.flush()
        for month in range(1, 4):
            db.session.add(
                Location(
                    sub_processor_id=sp.id,
                    country_code="DE",
                    valid_from=date(2026, month, 1),
                    valid_until=date(2026, month + 1, 1),
                )
            )
        db.session.add(Location(sub_processor_id=sp.id, country_code="NL", valid_from=date(2026, 4, 1)))
        db.session.add(
            Engagement(processor_id=vtm.id, service_id=service.id, sub_processor_id=sp.id, valid_from=date(2026, 1, 1))
        )
    db.session.commit()
    assert count_queries(client, "/processors/vtm/?at=2027-06-01") == before
