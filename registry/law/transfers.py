"""EEA membership, adequacy decisions and transfer bases, read from dated data."""
from __future__ import annotations

import gettext
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

import pycountry
import yaml
from flask_babel import gettext as _

from registry.web.language import page_language, spoken_date, translated
from registry.text.markers import N_

WORLDWIDE = "worldwide"


@dataclass(frozen=True)
class Adequacy:
    """An adequacy decision for a country, in force from one day until another."""

    country: str
    reference: str
    valid_from: date
    valid_until: date | None
    scope: str | None
    source: str | None = None
    day_verified: bool = True
    requires_certification: str | None = None

    @property
    def label(self) -> str:
        """The decision as cited, saying so when its day is not verified."""
        if self.day_verified:
            return self.reference
        return _("%(reference)s (its day is not verified; taken as %(day)s)", reference=self.reference,
                 day=spoken_date(self.valid_from))

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


@dataclass(frozen=True)
class BasisCheck:
    """Whether a transfer basis holds for a location on a day, and why not."""

    valid: bool
    problem: str | None = None
    reference: str | None = None


@cache
def _data() -> dict:
    with resources.files("registry.data").joinpath("transfers.yaml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


WORLDWIDE_NAMES = {"en": "Worldwide", "nl": "Wereldwijd"}


def country_name(code: str | None, language: str | None = None) -> str:
    """The short name of an ISO 3166 alpha-2 code in the page's language (or `language`); 'Worldwide' for none."""
    language = language or page_language()
    if not code:
        return WORLDWIDE_NAMES.get(language, WORLDWIDE_NAMES["en"])
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return code
    return _country_names(language).gettext(country.name)


def place_label(code: str | None, place: str | None, role: str | None) -> str:
    """'Ireland (Dublin), back-up': a processing location as people read it, in the page's language."""
    text = country_name(code) + (f" ({place})" if place else "")
    return _("%(place)s, back-up", place=text) if role == "back-up" else text


@cache
def _country_names(language: str) -> gettext.NullTranslations:
    """pycountry's own translations of the ISO 3166 names."""
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)


def is_country_code(code: str) -> bool:
    return pycountry.countries.get(alpha_2=code.upper()) is not None if len(code) == 2 else False


def in_eea(code: str | None, day: date) -> bool:
    """Whether a country was in the EEA on a day; a worldwide location never is."""
    if not code:
        return False
    member = _data()["eea_members"].get(code.upper())
    if member is None:
        return False
    until = member.get("until")
    return member["from"] <= day and (until is None or day <= until)


def adequacy_for(code: str | None, day: date) -> Adequacy | None:
    """The adequacy decision covering a country on a day, if any."""
    if not code:
        return None
    for entry in _data()["adequacy_decisions"]:
        if entry["country"] != code.upper():
            continue
        decision = Adequacy(entry["country"], entry["reference"], entry["from"], entry.get("until"),
                            entry.get("scope"), entry.get("source"), entry.get("day_verified", True),
                            entry.get("requires_certification"))
        if decision.covers(day):
            return decision
    return None


def basis_names() -> dict[str, str]:
    """The current transfer bases the portal accepts, code to name."""
    return dict(_data()["transfer_bases"])


def former_bases() -> dict[str, str]:
    """Bases that are no longer valid (Privacy Shield, Safe Harbour), code to name."""
    return {code: entry["name"] for code, entry in _data()["invalidated_bases"].items()}


def invalidated_basis(code: str) -> dict | None:
    """The record of a former basis (e.g. Privacy Shield) that is no longer valid."""
    return _data()["invalidated_bases"].get(code)


# The names in data/transfers.yaml, marked here so that the catalogue carries their Dutch.
BASIS_NAMES = (N_("Adequacy decision (GDPR art. 45)"), N_("Standard contractual clauses (Decision (EU) 2021/914)"),
               N_("Binding corporate rules (GDPR art. 47)"),
               N_("Derogation for a specific situation (GDPR art. 49), exceptional"),
               N_("Invalidated by the Court of Justice of the EU on 16 July 2020 (C-311/18, Schrems II)"),
               N_("Invalidated by the Court of Justice of the EU on 6 October 2015 (C-362/14)"))


def basis_label(code: str | None) -> str:
    """A transfer basis by name, in the page's language."""
    if not code:
        return _("None stated")
    if code in _data()["transfer_bases"]:
        return translated(_data()["transfer_bases"][code])
    former = invalidated_basis(code)
    return former["name"] if former else code


def allowed_bases(transfer_rule: str | None) -> list[str] | None:
    """The transfer tools a contract's transfer rule allows (VTM art. 10.1: adequacy or SCC); None: any tool."""
    allowed = _data().get("allowed_by_rule", {}).get(transfer_rule or "")
    return list(allowed) if allowed else None


def check_basis(code: str | None, country: str | None, day: date, dpf_certified: bool | None = None) -> BasisCheck:
    """Whether a chapter V transfer tool lawfully covers a transfer to a location outside the EEA on a day.

    For the United States an adequacy decision covers only organisations certified under the Data Privacy
    Framework (Implementing Decision (EU) 2023/1795): `dpf_certified` must be True.
    """
    if not code:
        return BasisCheck(False, _("no transfer basis stated"))
    former = invalidated_basis(code)
    if former is not None:
        if former["from"] <= day <= former["until"]:
            return BasisCheck(True, reference=former["name"])
        return BasisCheck(False, _("%(name)s is not a valid basis: %(reason)s", name=former["name"],
                                          reason=translated(former["reason"])))
    if code == "consent":
        return BasisCheck(False, _("the controller's consent is not a transfer tool of GDPR chapter V; where the "
                                   "contract requires consent it is asked in addition to a tool"))
    if code not in _data()["transfer_bases"]:
        return BasisCheck(False, _("unknown transfer basis '%(code)s'", code=code))
    if code == "adequacy":
        if not country:
            return BasisCheck(False, _("an adequacy decision cannot cover locations worldwide"))
        decision = adequacy_for(country, day)
        if decision is None:
            return BasisCheck(False, _("no adequacy decision covers %(country)s on %(day)s",
                                          country=country_name(country), day=spoken_date(day)))
        if decision.requires_certification == "dpf" and dpf_certified is not True:
            return BasisCheck(False, _("%(reference)s covers only organisations certified under the EU-US Data "
                                       "Privacy Framework, and no certification is recorded for this sub-processor",
                                       reference=decision.reference))
        return BasisCheck(True, reference=decision.label)
    if code == "derogation":
        return BasisCheck(True, problem=_("a derogation under GDPR art. 49 is for specific situations only, not for "
                                          "regular transfers (EDPB Guidelines 2/2018)"), reference=basis_label(code))
    return BasisCheck(True, reference=basis_label(code))


def check_allowed(code: str | None, transfer_rule: str | None, article: str | None) -> str | None:
    """Why the contract's own transfer rule refuses a tool (e.g. BCR under VTM art. 10.1), if it does."""
    allowed = allowed_bases(transfer_rule)
    if code and allowed is not None and code not in allowed:
        return _("the contract allows transfers outside the EEA only under %(allowed)s (art. %(article)s), not %(basis)s",
                 allowed=_(" or ").join(basis_label(c) for c in allowed), article=article or "-",
                 basis=basis_label(code))
    return None
