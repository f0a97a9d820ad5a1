"""EEA membership and adequacy decisions come from dated data and decide transfer bases."""

from datetime import date

import pycountry
import pytest

from registry.law import transfers


@pytest.mark.parametrize(
    "code,day,expected",
    [
        ("NL", date(2026, 1, 1), True),
        ("NO", date(2026, 1, 1), True),  # an EEA state outside the EU (YAML must not read NO as false)
        ("IS", date(2026, 1, 1), True),
        ("LI", date(2026, 1, 1), True),
        ("CH", date(2026, 1, 1), False),  # adequacy, but not in the EEA
        ("GB", date(2019, 6, 1), True),
        ("GB", date(2021, 1, 1), False),
        ("HR", date(2013, 1, 1), False),
        ("HR", date(2015, 1, 1), True),
        ("US", date(2026, 1, 1), False),
        (None, date(2026, 1, 1), False),  # worldwide
    ],
)
def test_eea_membership_is_dated(code, day, expected):
    assert transfers.in_eea(code, day) is expected


# The 27 EU member states (Treaty on European Union art. 52) and Iceland, Liechtenstein and Norway (EEA Agreement).
EEA_2026 = {
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
    "IS",
    "LI",
    "NO",
}


def test_the_eea_is_exactly_those_thirty_countries_on_a_day_in_2026():
    in_eea = {c.alpha_2 for c in pycountry.countries if transfers.in_eea(c.alpha_2, date(2026, 11, 22))}
    assert in_eea == EEA_2026


@pytest.mark.parametrize(
    "code,day,covered",
    [
        ("GB", date(2024, 5, 1), True),
        ("GB", date(2027, 5, 1), True),  # renewed in December 2025
        ("GB", date(2032, 6, 1), False),  # the renewal runs until December 2031
        ("BR", date(2025, 6, 1), False),
        ("BR", date(2026, 6, 1), True),  # adopted January 2026
        ("US", date(2022, 1, 1), False),  # between Privacy Shield and the Data Privacy Framework
        ("US", date(2024, 1, 1), True),
        ("CN", date(2026, 1, 1), False),
    ],
)
def test_adequacy_decisions_are_adopted_renewed_and_expire(code, day, covered):
    assert (transfers.adequacy_for(code, day) is not None) is covered


def test_us_adequacy_covers_only_certified_organisations():
    decision = transfers.adequacy_for("US", date(2026, 1, 1))
    assert "Data Privacy Framework" in decision.scope
    assert transfers.check_basis("adequacy", "US", date(2026, 1, 1), dpf_certified=True).valid
    assert not transfers.check_basis("adequacy", "US", date(2026, 1, 1), dpf_certified=False).valid


def test_privacy_shield_is_no_current_basis():
    check = transfers.check_basis("privacy_shield", "US", date(2026, 11, 22))
    assert not check.valid
    assert "C-311/18" in str(check.problem)


def test_privacy_shield_held_before_the_judgment():
    assert transfers.check_basis("privacy_shield", "US", date(2019, 1, 1)).valid


def test_a_location_outside_the_eea_without_basis_is_refused():
    check = transfers.check_basis(None, "US", date(2026, 1, 1))
    assert not check.valid and str(check.problem) == "no transfer basis stated"


def test_adequacy_needs_a_decision_for_that_country():
    assert not transfers.check_basis("adequacy", "IN", date(2026, 1, 1)).valid
    assert transfers.check_basis("adequacy", "JP", date(2026, 1, 1)).valid
    assert not transfers.check_basis("adequacy", None, date(2026, 1, 1)).valid  # worldwide


def test_standard_contractual_clauses_cover_any_country():
    assert transfers.check_basis("scc", None, date(2026, 1, 1)).valid
    assert transfers.check_basis("scc", "IN", date(2026, 1, 1)).valid


def test_unknown_basis_is_refused():
    assert not transfers.check_basis("handshake", "US", date(2026, 1, 1)).valid


def test_country_names_come_from_pycountry():
    assert transfers.country_name("NL") == "Netherlands"
    assert transfers.country_name(None) == "Worldwide"
