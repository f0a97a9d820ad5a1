"""The seeded registry says what the annexes of the five seed contracts say."""

import os
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import AnnexListing, Engagement, Location, Processor, Service, SubProcessor
from registry.subprocessors.snapshot import registry_on

DAY = date(2026, 11, 22)
# The seed contracts (text extracted from the PDFs) live in shared/, beside the clone or the worktree.
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
CONTRACTS = {
    "vcare": "000_c1b45f79e2338b00.txt",
    "beterdichtbij": "001_1d50b5baa2d1748b.txt",
    "ipvoice": "002_c6dc172e62f03a2e.txt",
    "contict": "003_3c515e60eac2aa4c.txt",
    "vtm": "004_00a34df3a7ad0eba.txt",
}
TEXT_TERMS = ["authorisation", "notice", "objection", "termination", "transfer", "list"]
# A list bullet at the start of a line of a contract ("- naam", "* Softphone", "‐ Medewerkers"); in the registry's
# one-line rendering of such a list ("Telefonie diensten * Softphone * ..."), one standing between spaces.
LINE_BULLET = re.compile(r"^[ \t]*[-‐−•*](?=\s)", re.MULTILINE)
INLINE_BULLET = re.compile(r"(?<!\S)[‐−•*](?=\s)")
# Where one term quotes two articles, "[4.1]" before a passage is the registry's insertion, not the contract's.
ARTICLE_MARK = re.compile(r"\[(\d+(?:\.\d+)*)\]")


def names(snapshot, service_key):
    return sorted(e.sub_processor.name for e in snapshot.service(service_key).engagements)


def test_the_five_seed_processors_are_there(app):
    slugs = set(db.session.scalars(select(Processor.slug)))
    assert slugs == {"vcare", "beterdichtbij", "ipvoice", "contict", "vtm"}


def test_vcare_services_and_sub_processors_follow_bijlage_a(app):
    snap = registry_on("vcare", DAY)
    assert len(snap.services) == 17
    assert names(snap, "telefonie") == ["CM", "Informaxion", "Odido", "Sound of Data", "SpeakUp", "Talksome"]
    assert names(snap, "sendi") == ["Medi-Link", "Micros"]
    assert names(snap, "netwerkverbindingen") == ["E-Zorg", "NG-Blu Networks", "Quinnect"]
    assert names(snap, "call-back") == ["Digital Realty", "Equinix", "Mediaserve", "Microsoft"]
    assert names(snap, "integrator") == ["Cloud CTI", "Digital Realty", "Equinix", "MINDD"]
    sms = snap.service("sms-service").service
    assert sms.retention == "90 dagen" and "BSN" in sms.data_categories


def test_vcare_countries_eea_flags_and_dpas_follow_bijlage_b(app):
    snap = registry_on("vcare", DAY)
    sps = {e.sub_processor.key: e.sub_processor for e in snap.engagements}
    for key in ["talksome", "equinix", "microsoft", "mediaserve", "chainwise"]:
        sp = sps[key]
        assert [loc.country_code for loc in sp.locations] == ["NL"]
        assert sp.outside_eea_on(DAY) is False and sp.outside_eea_stated is False
        assert sp.dpa_in_place is True and sp.dpa_source == "Bijlage B"
    assert sps["e-zorg"].locations == [] and sps["e-zorg"].outside_eea_on(DAY) is None
    assert sps["e-zorg"].dpa_in_place is None


def test_vcare_terms_general_authorisation_and_one_month_termination(app):
    terms = registry_on("vcare", DAY).terms
    assert (terms.authorisation, terms.authorisation_article) == ("general", "4.1")
    assert terms.termination_allowed and terms.termination_months == 1 and terms.termination_article == "4.1"
    assert terms.transfer_rule == "consent_required" and "5.3" in terms.transfer_article
    assert "15.6" in terms.notice_article


def test_beterdichtbij_specific_authorisation_and_bijlage_1(app):
    snap = registry_on("beterdichtbij", DAY)
    assert snap.terms.authorisation == "specific" and snap.terms.authorisation_article == "7.1"
    assert snap.terms.objection_route == "consent"
    assert names(snap, "beterdichtbij-light") == [
        "Amazon Web Services (AWS)",
        "KPN/Kandy",
        "Messagebird",
        "Sendgrid",
        "VANAD Enovation",
    ]
    aws = next(e.sub_processor for e in snap.engagements if e.sub_processor.key == "aws")
    assert [(loc.country_code, loc.place) for loc in aws.locations] == [("DE", "Frankfurt")]
    assert aws.outside_eea_on(DAY) is False
    # Bijlage 1 names "KPN/Kandy" as one approved sub-processor and states no chain.
    kpn = next(e.sub_processor for e in snap.engagements if e.sub_processor.key == "kpn")
    assert kpn.name == "KPN/Kandy" and kpn.onward == [] and "Kandy" in kpn.note
    assert snap.service("beterdichtbij-light").service.retention == "15 jaar"


def test_beterdichtbij_registry_starts_on_the_contract_date(app):
    assert registry_on("beterdichtbij", date(2020, 3, 13)).engagements == []
    assert len(registry_on("beterdichtbij", date(2020, 3, 14)).engagements) == 5


def test_ip_voice_has_terms_but_gives_its_list_on_request(app):
    snap = registry_on("ipvoice", DAY)
    assert snap.services == [] and snap.processor.list_publication == "on_request"
    assert snap.terms.authorisation == "general" and snap.terms.objection_article == "5.2"
    assert snap.terms.termination_allowed is False and snap.terms.termination_article == "10.2"
    assert "privacy_shield" in snap.terms.named_transfer_bases


def test_contict_specific_authorisation_and_table(app):
    snap = registry_on("contict", DAY)
    assert snap.terms.authorisation == "specific" and snap.terms.authorisation_article == "3.4, 5.1"
    assert names(snap, "administratie") == ["AFAS", "Clientele", "Dynamics"]
    assert names(snap, "security") == ["Fortinet", "Phished"]
    assert names(snap, "cloud") == ["AFAS", "Microsoft", "Solarwinds Cove"]
    provider = next(e.sub_processor for e in snap.engagements if e.sub_processor.key == "mobiele-provider")
    assert provider.identified is False


def test_vtm_bijlage_1d_locations_and_transfer_rule(app):
    snap = registry_on("vtm", DAY)
    assert snap.terms.authorisation == "general" and snap.terms.transfer_rule == "adequacy_or_scc"
    sps = {e.sub_processor.key: e.sub_processor for e in snap.engagements}
    assert set(sps) == {"microsoft", "afas", "n-able", "salesbuildr"}
    assert [(loc.country_code, loc.role) for loc in sps["microsoft"].locations] == [
        ("NL", "processing"),
        ("IE", "back-up"),
    ]
    assert sps["microsoft"].outside_eea_on(DAY) is False
    assert sps["n-able"].locations[0].worldwide and sps["n-able"].outside_eea_on(DAY) is True
    assert sps["n-able"].established_in == "GB"
    assert sorted(loc.country_code for loc in sps["salesbuildr"].locations) == ["DE", "NL"]


def _counts():
    return {
        m.__name__: db.session.scalar(select(func.count()).select_from(m))
        for m in (Processor, Service, SubProcessor, Location, Engagement, AnnexListing)
    }


def test_seeding_twice_changes_nothing(app, runner):
    before = _counts()
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "Seed loaded: 0 changes." in result.output
    assert _counts() == before


def _compact(text: str, bullets: re.Pattern) -> str:
    """The words and punctuation only: PDF line breaks, doubled spaces and list bullets do not count."""
    return re.sub(r"\s+", "", bullets.sub(" ", text))


class Contract:
    """A seed contract's text, to look the registry's words up in."""

    def __init__(self, text: str):
        dehyphenated = re.sub(r"(?<=\w)-[ \t]*\n\s*(?=[a-z])", "", text)
        self.forms = {_compact(text, LINE_BULLET), _compact(dehyphenated, LINE_BULLET)}

    def says(self, words: str) -> bool:
        return any(_compact(words, INLINE_BULLET) in form for form in self.forms)


@pytest.fixture(scope="module")
def contracts():
    if not SEEDS.is_dir():
        reason = f"the seed contracts are not at {SEEDS} (shared/seeds beside the clone)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true requires {reason}")
        pytest.skip(reason)
    return {slug: Contract((SEEDS / name).read_text(encoding="utf-8")) for slug, name in CONTRACTS.items()}


def _processor(slug):
    return db.session.scalar(select(Processor).filter_by(slug=slug))


def _service(slug, key):
    return db.session.scalar(select(Service).filter_by(processor_id=_processor(slug).id, key=key))


def test_the_matcher_finds_the_annex_words_and_not_a_paraphrase(app, contracts):
    vcare, beterdichtbij = contracts["vcare"], contracts["beterdichtbij"]
    assert vcare.says("Vastleggen, opslaan en wijzigen van gegevens in de systemen van KPN, Odido e/o NG-Blu Networks")
    assert not vcare.says("Vastleggen, opslaan en wijzigen van gegevens in de systemen van KPN, Odido en/of NG-Blu")
    assert not vcare.says("Voor- en achternaam") and not beterdichtbij.says("Patiëntnummer")


@pytest.mark.parametrize("slug", list(CONTRACTS))
def test_every_listed_item_is_in_the_annex(app, contracts, slug):
    contract, missing = contracts[slug], []
    for service in db.session.scalars(select(Service).filter_by(processor_id=_processor(slug).id)):
        for listed in ("purposes", "data_categories", "data_subjects"):
            missing += [(service.key, listed, item) for item in getattr(service, listed) if not contract.says(item)]
    for engagement in db.session.scalars(select(Engagement).filter_by(processor_id=_processor(slug).id)):
        if engagement.purpose and not contract.says(engagement.purpose):
            missing.append((engagement.service.key, "engagement", engagement.purpose))
    for listing in db.session.scalars(select(AnnexListing).filter_by(processor_id=_processor(slug).id)):
        if listing.text and not contract.says(listing.text):
            missing.append((listing.annex, listing.row, listing.text))
    assert missing == []


@pytest.mark.parametrize("slug", list(CONTRACTS))
def test_every_quote_of_the_terms_is_in_the_contract_and_has_an_english_rendering(app, contracts, slug):
    terms = registry_on(slug, DAY).terms
    for name in TEXT_TERMS:
        quote = getattr(terms, f"{name}_text")
        if quote is None:
            assert not (terms.texts_en or {}).get(name), name
            continue
        passages = [p.strip() for p in ARTICLE_MARK.split(quote)[::2] if p.strip()]
        assert passages and all(contracts[slug].says(p) for p in passages), (name, quote)
        article = getattr(terms, f"{name}_article") or ""
        assert all(mark in article for mark in ARTICLE_MARK.findall(quote)), (name, article)
        english, translated = terms.text_in(name, "en")
        assert translated and english and english != quote, name
        assert terms.text_in(name, "nl") == (quote, False)


def test_vcare_lists_read_as_bijlage_a(app):
    # Written by hand from Bijlage A: one purpose per "Doeleinden" cell, the subjects as each row has them.
    support = _service("vcare", "support-telefonie")
    assert support.purposes == [
        "Vastleggen, opslaan en wijzigen van gegevens in de systemen van KPN, Odido e/o NG-Blu Networks"
    ]
    assert support.data_subjects == ["Bellers", "gebelde", "(medewerkers van) klanten", "patiënten"]
    assert support.data_categories[0] == "Voor-, Achternaam" and "IMEI nummer" in support.data_categories
    assert _service("vcare", "number-entry").data_subjects == ["Beller", "patiënten"]
    sms = _service("vcare", "sms-service")
    assert sms.purposes == ["Doorzending van sms aan de klant via de Vcare applicatie laag."]
    assert sms.data_categories[-1] == "BSN"
    assert _service("vcare", "telefonie").data_subjects[-1] == "ontvangers"
    assert _service("vcare", "back-up").data_categories == [
        "Alle in de hiervoor genoemde stromen genoemde persoonsgegevens"
    ]


def test_beterdichtbij_lists_read_as_bijlage_1(app):
    light = _service("beterdichtbij", "beterdichtbij-light")
    assert light.data_subjects == ["consumenten", "patiënten", "zorgverleners"]
    assert light.data_categories[:4] == ["naam", "geboortedatum", "zorgorganisatie", "patiëntennummer"]
    assert "device_id" in light.data_categories and "Indien beeldbellen: IP-adres" in light.data_categories
    assert light.purposes == [
        "Tot stand brengen van communicatie via de BeterDichtbij app tussen gebruiker en zorgverlener"
    ]


def test_contict_table_has_no_data_subjects_and_one_purpose_per_service(app):
    services = db.session.scalars(select(Service).filter_by(processor_id=_processor("contict").id)).all()
    assert all(s.data_subjects == [] for s in services)
    assert all(len(s.purposes) == 1 for s in services)
    assert _service("contict", "voip").data_categories[0] == "Gebruikersprofielen (Naam, achternaam & e-mailadres)"
    assert _service("contict", "mobiel").purposes == ["Leveren van mobiele telefonie aan eindgebruikers"]


def test_vtm_lists_read_as_bijlage_1_a_to_c(app):
    it = _service("vtm", "it-telecom")
    assert it.data_subjects == ["Klanten of Medewerkers van Verwerkingsverantwoordelijke"]
    assert it.data_categories == ["Naam", "Telefoonnummers", "Emailadressen"]
    assert len(it.purposes) == 4
    assert it.purposes[0] == "haalbaarheidsonderzoek van een mogelijke samenwerking tussen VTM en klant"


def test_terms_quote_the_operative_sentences(app):
    vcare, ipvoice = registry_on("vcare", DAY).terms, registry_on("ipvoice", DAY).terms
    assert "met inachtneming van een opzegtermijn van een maand tussentijds te beëindigen" in vcare.termination_text
    assert vcare.notice_text.startswith("[4.1] Vcare stelt Opdrachtgever voorafgaand op de hoogte")
    assert ipvoice.termination_text == "De Verwerkersovereenkomst kan tussentijds niet worden opgezegd."
    assert "Privacy Shield" in ipvoice.transfer_text
    vtm = registry_on("vtm", DAY).terms
    assert "vooraf inlichten" in vtm.notice_text and "modelbepalingen" in vtm.transfer_text


def test_no_contract_sets_a_notice_or_objection_period(app):
    # None of the five contracts gives a number of days: notice is the processor's policy, objections run open.
    for slug in CONTRACTS:
        terms = registry_on(slug, DAY).terms
        assert terms.notice_source == "policy" and not terms.notice_in_contract, slug
        assert terms.objection_days is None and not terms.has_objection_period, slug
    for slug in ("beterdichtbij", "ipvoice", "contict"):
        assert registry_on(slug, DAY).terms.notice_text is None, slug


def test_only_contict_says_consent_may_not_be_unreasonably_withheld(app):
    contict = registry_on("contict", DAY).terms
    assert contict.consent_reasonable and contict.consent_reasonable_article == "5.1"
    assert "niet op onredelijke gronden zal worden onthouden" in contict.objection_text
    for slug in ("vcare", "beterdichtbij", "ipvoice", "vtm"):
        assert registry_on(slug, DAY).terms.consent_reasonable is False, slug
