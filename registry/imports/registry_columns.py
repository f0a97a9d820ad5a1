"""The columns of a processor's list of sub-processors (with the words people write in them, in English and Dutch),
and what a row of it holds once read."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import pycountry

from registry.imports.tables import Column
from registry.law import transfers
from registry.text import Text

COLUMNS = [
    Column("service", "Service", "Dienst"),
    Column("sub_processor", "Sub-processor", "Subverwerker", required=True),
    Column("legal_name", "Legal name", "Juridische naam"),
    Column("purpose", "Purpose", "Doel", required=True),
    Column("country", "Country", "Land", required=True),
    Column("place", "Place", "Plaats"),
    Column("role", "Role", "Rol"),
    Column("transfer_basis", "Transfer basis", "Doorgiftegrondslag"),
    Column("dpa", "DPA in place", "Verwerkersovereenkomst aanwezig"),
    Column("onward_of", "Onward sub-processor of", "Subverwerker van"),
    Column("source", "Source", "Bron"),
]
EXAMPLES = {
    "en": {
        "service": "Telephony",
        "sub_processor": "Example Cloud",
        "legal_name": "Example Cloud B.V.",
        "purpose": "Hosting of the call recordings",
        "country": "NL",
        "place": "Amsterdam",
        "role": "processing",
        "transfer_basis": "",
        "dpa": "yes",
        "onward_of": "",
        "source": "Annex 2",
    },
    "nl": {
        "service": "Telefonie",
        "sub_processor": "Voorbeeld Cloud",
        "legal_name": "Voorbeeld Cloud B.V.",
        "purpose": "Hosting van de gespreksopnamen",
        "country": "Nederland",
        "place": "Amsterdam",
        "role": "verwerking",
        "transfer_basis": "",
        "dpa": "ja",
        "onward_of": "",
        "source": "Bijlage 2",
    },
}
# The longest value each column takes: the registry's columns (String(200)); a purpose is a text, kept readable.
LONGEST = {"purpose": 2000}
LONGEST_DEFAULT = 200
ROLES = {"processing": "processing", "verwerking": "processing", "back-up": "back-up", "backup": "back-up"}
YES_NO = {"yes": True, "y": True, "ja": True, "j": True, "true": True, "no": False, "n": False, "nee": False}
YES_NO["false"] = False
# What people write for each transfer tool of GDPR chapter V (data/transfers.yaml), in English and Dutch.
BASES = {
    "adequacy": "adequacy",
    "adequacy decision": "adequacy",
    "adequaatheidsbesluit": "adequacy",
    "scc": "scc",
    "sccs": "scc",
    "standard contractual clauses": "scc",
    "standaardcontractbepalingen": "scc",
    "modelcontractbepalingen": "scc",
    "bcr": "bcr",
    "binding corporate rules": "bcr",
    "bindende bedrijfsvoorschriften": "bcr",
    "derogation": "derogation",
    "art. 49": "derogation",
    "uitzondering": "derogation",
    "privacy shield": "privacy_shield",
    "eu-us privacy shield": "privacy_shield",
    "privacy_shield": "privacy_shield",
    "safe harbour": "safe_harbour",
    "safe harbor": "safe_harbour",
    "safe_harbour": "safe_harbour",
    "consent": "consent",
    "toestemming": "consent",
}
WORLDWIDE = {"worldwide", "wereldwijd"}


def key(name: str) -> str:
    """A name as two rows or the registry are compared on it: case and spacing left out."""
    return " ".join(name.split()).casefold()


@cache
def countries() -> dict[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            if getattr(country, attr, None):
                names[key(getattr(country, attr))] = country.alpha_2
        for language in transfers.NAMED_IN:
            names[key(transfers.country_name(country.alpha_2, language))] = country.alpha_2
        names[country.alpha_2.casefold()] = country.alpha_2
        names[country.alpha_3.casefold()] = country.alpha_2
    return names


@dataclass(frozen=True)
class Problem:
    row: int
    column: str  # the column's key (shown by its header in the reader's language); "" for a cell outside them
    ref: str
    message: Text


@dataclass(frozen=True)
class Place:
    country: str | None
    place: str | None
    role: str
    basis: str | None

    def as_dict(self) -> dict:
        return {"country": self.country, "place": self.place, "role": self.role, "transfer_basis": self.basis}


@dataclass
class Entity:
    """A sub-processor as the file lists it."""

    name: str
    legal_name: str | None = None
    dpa: bool | None = None
    places: list[Place] = field(default_factory=list)
    first_row: int = 0


@dataclass
class Link:
    """One service (or parent sub-processor) × sub-processor, with its purpose and source."""

    over: str  # the service's name, or the parent sub-processor's
    entity: str  # the sub-processor's name
    purpose: str
    source: str
    row: int


@dataclass
class Listing:
    filename: str
    entities: dict[str, Entity] = field(default_factory=dict)  # by key(name)
    engagements: dict[tuple[str, str], Link] = field(default_factory=dict)  # (key(service), key(entity))
    onward: dict[tuple[str, str], Link] = field(default_factory=dict)  # (key(parent), key(entity))
    services: dict[str, str] = field(default_factory=dict)  # key → the name as first written
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0
    letters: dict[str, str] = field(default_factory=dict)  # column key → the file's column letter
