"""The seeded registry says what the annexes of the five seed contracts say."""
from datetime import date

from sqlalchemy import func, select

from registry.extensions import db
from registry.models import AnnexListing, Engagement, Location, Processor, Service, SubProcessor
from registry.services.snapshot import registry_on

DAY = date(2026, 11, 22)


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
    assert names(snap, "beterdichtbij-light") == ["Amazon Web Services (AWS)", "KPN", "Messagebird", "Sendgrid",
                                                  "VANAD Enovation"]
    aws = next(e.sub_processor for e in snap.engagements if e.sub_processor.key == "aws")
    assert [(loc.country_code, loc.place) for loc in aws.locations] == [("DE", "Frankfurt")]
    assert aws.outside_eea_on(DAY) is False
    kpn = next(e.sub_processor for e in snap.engagements if e.sub_processor.key == "kpn")
    assert [child.name for child in kpn.onward] == ["Kandy"]
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
    assert [(loc.country_code, loc.role) for loc in sps["microsoft"].locations] == [("NL", "processing"),
                                                                                   ("IE", "back-up")]
    assert sps["microsoft"].outside_eea_on(DAY) is False
    assert sps["n-able"].locations[0].worldwide and sps["n-able"].outside_eea_on(DAY) is True
    assert sps["n-able"].established_in == "GB"
    assert sorted(loc.country_code for loc in sps["salesbuildr"].locations) == ["DE", "NL"]


def _counts():
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m))
            for m in (Processor, Service, SubProcessor, Location, Engagement, AnnexListing)}


def test_seeding_twice_changes_nothing(app, runner):
    before = _counts()
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "Seed loaded: 0 changes." in result.output
    assert _counts() == before


def test_seeding_restores_an_annex_fact_changed_by_hand(app, runner):
    sp = db.session.scalar(select(SubProcessor).filter_by(key="talksome"))
    sp.name = "Talksome (typo)"
    db.session.commit()
    result = runner.invoke(args=["seed"])
    assert "vcare: 1 rows created or changed" in result.output
    assert db.session.scalar(select(SubProcessor).filter_by(key="talksome")).name == "Talksome"
