"""EEA membership, adequacy decisions and transfer bases, read from dated data."""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

import pycountry
import yaml

from registry.text import Joined, Name, Text, _

WORLDWIDE = "worldwide"
# The languages the portal shows a country's name in (its pages' languages, web.i18n.LANGUAGES).
NAMED_IN = ("en", "nl")


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
    def label(self) -> str | Text:
        """The decision as cited, saying so when its day is not verified."""
        if self.day_verified:
            return self.reference
        return _(
            "%(reference)s (its day is not verified; taken as %(day)s)", reference=self.reference, day=self.valid_from
        )

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


@dataclass(frozen=True)
class BasisCheck:
    """Whether a transfer basis holds for a location on a day, and why not."""

    valid: bool
    problem: Text | None = None
    reference: str | Text | None = None


@cache
def _data() -> dict:
    with resources.files("registry.data").joinpath("transfers.yaml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


WORLDWIDE_NAMES = Name({"en": "Worldwide", "nl": "Wereldwijd"})


def country_name(code: str | None, language: str = "en") -> str:
    """The short name of an ISO 3166 alpha-2 code in `language`; 'Worldwide' for none."""
    if not code:
        return WORLDWIDE_NAMES.in_language(language)
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return code
    return _country_names(language).gettext(country.name)


def named_country(code: str | None) -> Name:
    """A country (or worldwide) by name, shown in the reader's language."""
    return Name({language: country_name(code, language) for language in NAMED_IN})


def place_label(code: str | None, place: str | None, role: str | None) -> Name | Joined | Text:
    """'Ireland (Dublin), back-up': a processing location as people read it, in the reader's language."""
    where = Joined([named_country(code), f"({place})"]) if place else named_country(code)
    return _("%(place)s, back-up", place=where) if role == "back-up" else where


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
        decision = Adequacy(
            entry["country"],
            entry["reference"],
            entry["from"],
            entry.get("until"),
            entry.get("scope"),
            entry.get("source"),
            entry.get("day_verified", True),
            entry.get("requires_certification"),
        )
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


# The names in data/transfers.yaml, marked here so that the catalogue carries their Dutch: Text(name) of a name
# read from the data is translated where it is shown.
BASIS_NAMES = (
    _("Adequacy decision (GDPR art. 45)"),
    _("Standard contractual clauses (Decision (EU) 2021/914)"),
    _("Binding corporate rules (GDPR art. 47)"),
    _("Derogation for a specific situation (GDPR art. 49), exceptional"),
    _("Invalidated by the Court of Justice of the EU on 16 July 2020 (C-311/18, Schrems II)"),
    _("Invalidated by the Court of Justice of the EU on 6 October 2015 (C-362/14)"),
    _("EU-US Privacy Shield (Decision 2016/1250)"),
    _("Safe Harbour (Decision 2000/520/EC)"),
)


def basis_label(code: str | None) -> str | Text:
    """A transfer basis by name, shown in the reader's language."""
    if not code:
        return _("None stated")
    if code in _data()["transfer_bases"]:
        return Text(_data()["transfer_bases"][code])
    former = invalidated_basis(code)
    return Text(former["name"]) if former else code


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
        return BasisCheck(
            False, _("%(name)s is not a valid basis: %(reason)s", name=former["name"], reason=Text(former["reason"]))
        )
    if code == "consent":
        return BasisCheck(
            False,
            _(
                "the controller's consent is not a transfer tool of GDPR chapter V; where the "
                "contract requires consent it is asked in addition to a tool"
            ),
        )
    if code not in _data()["transfer_bases"]:
        return BasisCheck(False, _("unknown transfer basis '%(code)s'", code=code))
    if code == "adequacy":
        if not country:
            return BasisCheck(False, _("an adequacy decision cannot cover locations worldwide"))
        decision = adequacy_for(country, day)
        if decision is None:
            return BasisCheck(
                False, _("no adequacy decision covers %(country)s on %(day)s", country=named_country(country), day=day)
            )
        if decision.requires_certification == "dpf" and dpf_certified is not True:
            return BasisCheck(
                False,
                _(
                    "%(reference)s covers only organisations certified under the EU-US Data "
                    "Privacy Framework, and no certification is recorded for this sub-processor",
                    reference=decision.reference,
                ),
            )
        return BasisCheck(True, reference=decision.label)
    if code == "derogation":
        return BasisCheck(
            True,
            problem=_(
                "a derogation under GDPR art. 49 is for specific situations only, not for "
                "regular transfers (EDPB Guidelines 2/2018)"
            ),
            reference=basis_label(code),
        )
    return BasisCheck(True, reference=basis_label(code))


def check_allowed(code: str | None, transfer_rule: str | None, article: str | None) -> Text | None:
    """Why the contract's own transfer rule refuses a tool (e.g. BCR under VTM art. 10.1), if it does."""
    allowed = allowed_bases(transfer_rule)
    if code and allowed is not None and code not in allowed:
        tools = Joined([basis_label(c) for c in allowed], _(" or "))
        return _(
            "the contract allows transfers outside the EEA only under %(allowed)s (art. %(article)s), not %(basis)s",
            allowed=tools,
            article=article or "-",
            basis=basis_label(code),
        )
    return None
