"""One row of a contract import read into a contract's values: its columns, the ways a spreadsheet writes a day
(2024-01-31, or 31-1-2024 as Dutch Excel shows it), a language, a list of services; each problem named with its
cell. What the values must hold beyond that is the contract's own rule (subprocessors.customer_contracts)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from registry.accounts import users
from registry.exceptions import DomainError
from registry.imports.tables import Column, Row
from registry.models import ContractTerms, Processor, Service
from registry.text import Text, _
from registry.text.plain import forbidden_character

COLUMNS = [
    Column("organisation", "Organisation", "Organisatie", required=True),
    Column("reference", "Contract reference", "Kenmerk", required=True),
    Column("start_date", "Start date", "Begindatum", required=True),
    Column("services", "Services", "Diensten", required=True),
    Column("terms", "Contract terms", "Contractvoorwaarden"),
    Column("notice_email", "Notice e-mail", "E-mail voor aankondigingen", required=True),
    Column("language", "Language", "Taal"),
    Column("privacy_officer", "Privacy officer e-mail", "E-mail privacyfunctionaris"),
]
REQUIRED = {
    "organisation": _("the organisation"),
    "reference": _("the contract reference"),
    "start_date": _("the start date"),
    "services": _("the services"),
    "notice_email": _("the notice e-mail address"),
}
LANGUAGE_NAMES = {
    "nl": "nl",
    "nederlands": "nl",
    "dutch": "nl",
    "nl-nl": "nl",
    "en": "en",
    "english": "en",
    "engels": "en",
    "en-gb": "en",
    "en-us": "en",
}
ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
DUTCH_DAY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", re.ASCII)
SEPARATORS = re.compile(r"[;|]")


@dataclass(frozen=True)
class Problem:
    row: int
    ref: str  # the cell's address (C4); empty for the file as a whole
    message: Text


class Problems(Exception):
    """The row cannot be imported as it is: every problem found in it."""

    def __init__(self, found: list[Problem]):
        super().__init__(found)
        self.found = found


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip()).casefold()


def parse_day(text: str) -> date:
    """A day as ISO (2024-01-31) or as the Dutch write it (31-1-2024, 31-01-2024, 31/1/2024)."""
    iso, dutch = ISO_DAY.fullmatch(text), DUTCH_DAY.fullmatch(text)
    found = iso and (iso[1], iso[2], iso[3]) or dutch and (dutch[3], dutch[2], dutch[1])
    if not found:
        raise ValueError(text)
    year, month, day = (int(part) for part in found)
    return date(year, month, day)  # a day that does not exist (31-2-2024) raises ValueError too


def service_names(text: str) -> list[str]:
    """The services a cell names: separated by ; or | (then a name may hold a comma), else by commas."""
    pieces = SEPARATORS.split(text) if SEPARATORS.search(text) else text.split(",")
    return [piece.strip() for piece in pieces if piece.strip()]


class RowReader:
    """Reads rows against one processor's services and terms versions (loaded once, not once per row)."""

    def __init__(self, processor: Processor, headers: dict[str, str]):
        self.processor, self.headers = processor, headers
        self.services: dict[str, Service] = {}
        for service in processor.services:
            self.services.setdefault(_key(service.key), service)
            self.services.setdefault(_key(service.name), service)
        self.terms: dict[str, ContractTerms] = {_key(t.version): t for t in processor.contract_terms}

    def where(self, row: Row, key: str) -> str:
        cell = row.cells.get(key)
        if cell is not None:
            return cell.ref
        return f"{self.headers[key]}{row.number}" if key in self.headers else ""

    def read(self, row: Row) -> dict:
        """The row's values for a contract (terms and services as rows, the day as a date) plus its organisation
        name and privacy officer; Problems when a cell cannot be read."""
        found: list[Problem] = []

        def problem(key: str, message: Text) -> None:
            found.append(Problem(row.number, self.where(row, key), message))

        for cell in row.extra:
            found.append(
                Problem(
                    row.number,
                    cell.ref,
                    _("Cell %(ref)s lies outside the template's columns: empty it or move it.", ref=cell.ref),
                )
            )
        text = {}
        for column in COLUMNS:
            cell = row.cells.get(column.key)
            value = cell.value if cell is not None else ""
            if cell is not None and cell.formula:
                problem(
                    column.key, _("Cell %(ref)s holds a formula: type the value itself, not a formula.", ref=cell.ref)
                )
                value = None
            elif (bad := forbidden_character(value)) is not None:
                problem(
                    column.key,
                    _(
                        "Cell %(ref)s holds the invisible character %(code)s at position %(position)s: only plain "
                        "text can be kept.",
                        ref=cell.ref,
                        code=bad.code,
                        position=bad.position,
                    ),
                )
                value = None
            elif column.required and not value:
                where = self.where(row, column.key)
                problem(column.key, _("Cell %(ref)s is empty: give %(what)s.", ref=where, what=REQUIRED[column.key]))
                value = None
            text[column.key] = value
        values = self._values(text, problem)
        if found:
            raise Problems(found)
        return values

    def _values(self, text: dict, problem) -> dict:
        values: dict = {"organisation": text["organisation"], "reference": text["reference"]}
        if text["organisation"] and len(text["organisation"]) > 200:
            problem("organisation", _("The organisation name is longer than %(count)d characters.", count=200))
        if text["start_date"]:
            try:
                values["start_date"] = parse_day(text["start_date"])
            except ValueError:
                problem(
                    "start_date",
                    _(
                        "'%(value)s' is not a day: write it as 2024-01-31 or 31-1-2024.",
                        value=text["start_date"][:40],
                    ),
                )
        if text["services"]:
            chosen = []
            for name in service_names(text["services"]):
                service = self.services.get(_key(name))
                if service is None:
                    problem(
                        "services",
                        _(
                            "%(name)s has no service '%(service)s': use the names or keys of its services.",
                            name=self.processor.name,
                            service=name[:80],
                        ),
                    )
                else:
                    chosen.append(service)
            values["services"] = chosen
        values["terms"] = self._terms(text["terms"], problem)
        values["notice_email"] = text["notice_email"]
        language = text["language"]
        values["notice_language"] = LANGUAGE_NAMES.get(_key(language or "nl"))
        if language is not None and values["notice_language"] is None:
            problem("language", _("'%(value)s' is not a language of the notices: write nl or en.", value=language[:40]))
        officer = text["privacy_officer"]
        values["privacy_officer"] = None
        if officer:
            try:
                values["privacy_officer"] = users.normalise_email(officer)
            except DomainError as error:
                problem("privacy_officer", error.message)
        return values

    def _terms(self, version: str | None, problem) -> ContractTerms | None:
        if version is None:
            return None
        if not version:
            if len(self.terms) == 1:
                return next(iter(self.terms.values()))
            problem(
                "terms",
                _("Name the version of the contract terms: %(name)s has more than one.", name=self.processor.name),
            )
            return None
        terms = self.terms.get(_key(version))
        if terms is None:
            problem(
                "terms",
                _(
                    "%(name)s has no contract terms version '%(version)s'.",
                    name=self.processor.name,
                    version=version[:80],
                ),
            )
        return terms
