"""What the registry's own words say about a sub-processor's identity: its seat, and an intermediary it names.

These are readings of the stored text (legal name, note, description), labelled
as interpretations where they are: a lawyer reads "Microsoft Corporation,
gevestigd in Dublin" as two entities in one line, and "Microsoft (via PCI)" as a
link in the chain the registry does not show.
"""

from __future__ import annotations

import re
from functools import cache

import pycountry

from registry.law import transfers

# Corporate forms of United States law (state corporation and LLC statutes); an EU seat for an entity
# so named is a contradiction. "Corp." and "Inc." also stand for Canadian forms, which share the problem.
US_CORPORATE_FORMS = ("Corporation", "Corp.", "Incorporated", "Inc.", "Inc", "LLC", "L.L.C.")
# Cities the contracts name as a seat instead of a country.
SEAT_CITIES = {
    "dublin": "IE",
    "cork": "IE",
    "amsterdam": "NL",
    "rotterdam": "NL",
    "utrecht": "NL",
    "den haag": "NL",
    "eindhoven": "NL",
    "frankfurt": "DE",
    "berlin": "DE",
    "münchen": "DE",
    "munich": "DE",
    "luxemburg": "LU",
    "luxembourg": "LU",
    "parijs": "FR",
    "paris": "FR",
    "brussel": "BE",
    "brussels": "BE",
    "londen": "GB",
    "london": "GB",
    "redmond": "US",
    "seattle": "US",
    "san francisco": "US",
    "new york": "US",
    "mountain view": "US",
}
_SEAT = re.compile(
    r"\b(?:gevestigd\s+(?:in|te)|established\s+in|based\s+in)\s+(?:de\s+|het\s+|the\s+)?"
    r"([A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)"
)
_VIA = re.compile(r"\bvia\s+([A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*)*)")
# "via HTTPS", "via API": a channel, not an entity.
NOT_ENTITIES = {"API", "HTTPS", "HTTP", "SFTP", "VPN", "SMS", "E-mail", "Email"}


def us_corporate_form(name: str | None) -> str | None:
    """The US corporate form a legal name ends with ('Microsoft Corporation' → 'Corporation'), if any."""
    words = (name or "").replace(",", " ").split()
    if words and words[-1] in US_CORPORATE_FORMS:
        return words[-1]
    return None


@cache
def _country_by_name() -> dict[str, str]:
    names = dict(SEAT_CITIES)
    for country in pycountry.countries:
        for language in ("en", "nl"):
            names[transfers.country_name(country.alpha_2, language).lower()] = country.alpha_2
        for attr in ("name", "common_name", "official_name"):
            if getattr(country, attr, None):
                names[getattr(country, attr).lower()] = country.alpha_2
    return names


def seats_named(text: str | None) -> list[tuple[str, str]]:
    """Each place a text says an entity is established in ('gevestigd in Dublin'), with its country code."""
    found = []
    for match in _SEAT.finditer(text or ""):
        words = match.group(1).split()
        # The longest run of words that names a known place: "Dublin. Deze" → "Dublin".
        for end in range(len(words), 0, -1):
            place = " ".join(words[:end]).rstrip(".,;:)")
            code = _country_by_name().get(place.lower())
            if code:
                found.append((place, code))
                break
    return found


def intermediaries_named(*texts: str | None) -> list[str]:
    """Each entity a text says the sub-processor is engaged through ('Microsoft (via PCI)' → 'PCI')."""
    found = []
    for text in texts:
        for match in _VIA.finditer(text or ""):
            name = match.group(1).rstrip(".,;:)")
            if name and name not in NOT_ENTITIES and name not in found:
                found.append(name)
    return found
