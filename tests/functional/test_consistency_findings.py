"""What a careful lawyer finds in the registry: seats, annexes read entry by entry, the chain, the notice duty."""

from datetime import date

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import Processor, Service, SubProcessor
from registry.subprocessors.checks import check_processor

from .. import factories
from .announce import draft, publish

DAY = date(2026, 11, 22)
SEEDS = ("vcare", "beterdichtbij", "ipvoice", "contict", "vtm")


def found(slug, kind, day=DAY):
    return [str(f.message) for f in check_processor(slug, day) if f.kind == kind]


def service_names(slug, *keys):
    """The services' display names, in the order of Bijlage A (the keys are read from the contract by hand)."""
    processor = db.session.scalar(select(Processor).filter_by(slug=slug))
    names = {s.key: s.name for s in db.session.scalars(select(Service).filter_by(processor_id=processor.id))}
    return ", ".join(f"'{names[k]}'" for k in keys)


def sp(slug, key):
    processor = db.session.scalar(select(Processor).filter_by(slug=slug))
    return db.session.scalar(select(SubProcessor).filter_by(processor_id=processor.id, key=key))


# 1. A US entity with an EEA seat (VTM Bijlage 1 D: "Microsoft Corporation … Microsoft is gevestigd in Dublin").


def test_vtm_names_microsoft_corporation_with_a_seat_in_dublin(app):
    assert found("vtm", "entity_seat_mismatch") == [
        "Microsoft Corporation is named with a corporate form of United States law (Corporation), but its seat is "
        "given as Ireland, in the EEA: the contract names the US entity and the seat of another (an interpretation); "
        "which legal entity processes the data, and from where, is not clear."
    ]


@pytest.mark.parametrize("slug", ["vcare", "beterdichtbij", "ipvoice", "contict"])
def test_no_seat_finding_in_the_other_contracts(app, slug):
    assert found(slug, "entity_seat_mismatch") == []


def test_a_us_form_with_an_eea_seat_is_found_and_an_eu_form_is_not(app):
    factories.sub_processor("vtm", "acme-inc", "Acme Cloud, Inc.", established_in="DE")
    factories.sub_processor("vtm", "acme-llc", "Acme Mail", legal_name="Acme Mail LLC", established_in="US")
    factories.sub_processor("vtm", "acme-gmbh", "Acme GmbH", established_in="DE")
    messages = found("vtm", "entity_seat_mismatch")
    assert any("Acme Cloud, Inc." in m and "(Inc.)" in m and "Germany" in m for m in messages)
    assert not any("Acme Mail" in m or "Acme GmbH" in m for m in messages)


def test_a_seat_named_in_the_text_that_contradicts_the_recorded_one(app):
    factories.sub_processor(
        "vtm", "hoster", "Hoster", established_in="NL", note='Bijlage 1 D: "Hoster is gevestigd in Frankfurt."'
    )
    factories.sub_processor(
        "vtm", "hoster-nl", "Hoster NL", established_in="NL", note='Bijlage 1 D: "Hoster NL is gevestigd in Nederland."'
    )
    messages = found("vtm", "entity_seat_mismatch")
    assert any(m.startswith("Hoster:") and "Frankfurt (Germany)" in m and "Netherlands" in m for m in messages)
    assert not any(m.startswith("Hoster NL") for m in messages)


# 2. Vcare Bijlage A against Bijlage B, entry by entry (worked out by hand from seed 000).

ALL_B_ROW_7 = (
    "systeem-logging",
    "support-tickets",
    "medialogging",
    "operator",
    "number-entry",
    "integrator",
    "call-back",
    "reporter",
    "scheduler",
    "video-connect",
    "photo-link",
    "back-up",
)


def test_vcare_bijlage_a_and_b_compared_per_sub_processor(app):
    def only_a(name, *keys):
        return f"{name}: Bijlage A names it for {service_names('vcare', *keys)}, which Bijlage B does not."

    def only_b(name, *keys):
        return f"{name}: Bijlage B names it for {service_names('vcare', *keys)}, which Bijlage A does not."

    assert found("vcare", "annex_mismatch") == [
        # Bijlage B row 7 ("Equinix NL, Digital Realty NL, Micros NL, Medi-Link NL") names Sendi; Bijlage A names
        # only Micros and Medi-Link for Sendi, and Micros and Medi-Link for nothing else.
        only_b("Digital Realty", "sendi"),
        only_b("Equinix", "sendi"),
        only_b("Medi-Link", *ALL_B_ROW_7),
        only_b("Micros", *ALL_B_ROW_7),
        # Bijlage A names Microsoft for Operator; Bijlage B's row for "Microsoft (via PCI)" does not.
        only_a("Microsoft", "operator"),
        # Bijlage A names NG-Blu Networks and Quinnect for Netwerkverbindingen; Bijlage B only for support.
        only_a("NG-Blu Networks", "netwerkverbindingen"),
        only_a("Quinnect", "netwerkverbindingen"),
    ]
    assert found("vcare", "missing_from_annex") == [
        "E-Zorg is named in Bijlage A for 'Netwerkverbindingen' but does not appear in Bijlage B at all "
        "(no country, EEA or DPA details there)."
    ]


# 3. "Microsoft (via PCI)": an intermediary the chain does not show.


def test_vcare_microsoft_via_pci_is_an_intermediary_not_in_the_chain(app):
    assert found("vcare", "intermediary_not_in_chain") == [
        "Microsoft is engaged via PCI, which the registry does not show in its chain of sub-processors; the "
        "controller should know every processor down the chain (GDPR art. 28(4), EDPB Opinion 22/2024)."
    ]


@pytest.mark.parametrize("slug", ["beterdichtbij", "ipvoice", "contict", "vtm"])
def test_no_intermediary_finding_in_the_other_contracts(app, slug):
    assert found(slug, "intermediary_not_in_chain") == []


def test_an_intermediary_shown_in_the_chain_is_no_finding(app):
    factories.onward_sub_processor(sp("vcare", "microsoft"), "pci", "PCI")
    # Modelled the other way round, with Microsoft as PCI's own sub-processor, it is in the chain too.
    reseller = factories.sub_processor("vtm", "reseller", "Reseller", note="Engaged via Cloudco.")
    factories.onward_sub_processor(reseller, "cloudco", "Cloudco B.V.")
    assert found("vcare", "intermediary_not_in_chain") == []
    assert found("vtm", "intermediary_not_in_chain") == []


# 4. General authorisation without the duty to inform of intended changes (GDPR art. 28(2)).


def test_ip_voice_gives_general_authorisation_without_a_notice_duty(app):
    [finding] = [f for f in check_processor("ipvoice", DAY) if f.kind == "no_change_notice_duty"]
    assert str(finding.message) == (
        "The contract gives general authorisation (art. 5.1) but no duty to inform the controller of intended "
        "additions or replacements of sub-processors, which GDPR art. 28(2) requires; the portal applies the "
        "processor's own notice period instead."
    )
    assert str(finding.source) == "GDPR art. 28(2); art. 5.1"


@pytest.mark.parametrize("slug", ["vcare", "beterdichtbij", "contict", "vtm"])
def test_contracts_with_a_notice_duty_or_specific_authorisation_are_not_flagged(app, slug):
    assert found(slug, "no_change_notice_duty") == []


# 5. An announced change is no annex inconsistency; it is checked against its announcement.

# The `clock` fixture (conftest.py) holds the clock at 1 December 2026, noon in Amsterdam.


def test_a_sub_processor_added_by_announcement_is_not_missing_from_the_annex(client, users, login, clock):
    login(users.vcare_editor)
    item = publish(
        client,
        draft(
            client,
            new_name="Acme Cloud",
            services=("operator",),
            effective_date="2027-01-15",
            locations=(("NL", "Amsterdam", ""),),
        ),
    )
    assert item.status == "published"
    after = date(2027, 1, 20)
    assert not any("Acme Cloud" in m for m in found("vcare", "missing_from_annex", after))
    assert not any("Acme Cloud" in m for m in found("vcare", "annex_mismatch", after))
    assert found("vcare", "announcement_mismatch", after) == []


def test_an_engagement_that_does_not_match_its_announcement_is_reported(client, users, login, clock):
    login(users.vcare_editor)
    item = publish(
        client,
        draft(
            client,
            new_name="Acme Cloud",
            services=("operator",),
            effective_date="2027-01-15",
            locations=(("NL", "Amsterdam", ""),),
        ),
    )
    from registry.models import Engagement

    engagement = db.session.scalar(select(Engagement).filter_by(announcement_id=item.id))
    engagement.valid_from = date(2027, 1, 10)  # not the announced date
    db.session.commit()
    [message] = found("vcare", "announcement_mismatch", date(2027, 1, 20))
    assert "Acme Cloud" in message and f"#{item.number}" in message and "2027-01-10" in message


# 6. The whole chain, at any depth.


def test_location_problems_are_found_at_any_depth_of_the_chain(app):
    afas = sp("vtm", "afas")
    child = factories.onward_sub_processor(afas, "level-2", "Level Two", countries=("NL",))
    grandchild = factories.onward_sub_processor(child, "level-3", "Level Three", countries=("IN",))
    # A cycle in the data (Level Three engaging AFAS) ends the walk instead of looping.
    factories.onward_link(grandchild, afas)
    # Found once, at the third level; N-able (Bijlage 1 D, worldwide) is the seed's own finding.
    assert sorted(found("vtm", "no_transfer_basis")) == [
        "Level Three processes in India, outside the EEA: no transfer basis stated.",
        "N-able Technologies LTD processes in Worldwide (Datacenters wereldwijd verspreid), outside the EEA: no "
        "transfer basis stated.",
    ]
