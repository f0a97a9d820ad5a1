"""One overview of a processor's registry on a day: every sub-processor once (onward ones under the
sub-processor that engages them), what it does, where, for which services, and what is about to change; and the
filter over it (service, country, inside or outside the EEA, name). Pure: built from the snapshot and the
upcoming changes, no queries of its own."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from registry.law import transfers
from registry.models import Location, Service, SubProcessor
from registry.subprocessors.snapshot import RegistrySnapshot
from registry.subprocessors.upcoming import Mark, Upcoming
from registry.text import Name, Text, _

NAME_LIMIT = 200
EEA_CHOICES = ("all", "inside", "outside")


def folded(text: str) -> str:
    """Text compared as people search: accents dropped (é → e, ß → ss), case ignored."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass
class Row:
    """One sub-processor of the overview."""

    sub_processor: SubProcessor
    day: date  # the day its locations are read on: the registry's, or the day an announced one comes in
    depth: int = 0  # 0: engaged by the processor; 1 and more: down the chain
    parents: list[SubProcessor] = field(default_factory=list)  # who engages it, when down the chain
    purposes: list[str] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    announced: bool = False  # not in the registry on the day: an announced change brings it in

    def add(self, purpose: str | None, service: Service) -> None:
        if purpose and purpose not in self.purposes:
            self.purposes.append(purpose)
        if all(s.id != service.id for s in self.services):
            self.services.append(service)

    @property
    def locations(self) -> list[Location]:
        return self.sub_processor.locations_on(self.day)

    @property
    def outside_eea(self) -> bool | None:
        return self.sub_processor.outside_eea_on(self.day)


@dataclass
class Filter:
    """The filter as asked for, each bad value with its message (that filter is then not applied)."""

    service: str = ""
    country: str = ""
    eea: str = "all"
    name: str = ""
    typed: dict[str, str] = field(default_factory=dict)  # what the form shows again, as the user typed it
    problems: dict[str, Text] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return bool(self.service or self.country or self.eea != "all" or self.name)

    def keeps(self, row: Row) -> bool:
        sp = row.sub_processor
        if self.service and all(s.key != self.service for s in row.services):
            return False
        if self.country and all(loc.country_code != self.country for loc in row.locations):
            return False
        if self.eea != "all" and row.outside_eea is not (self.eea == "outside"):
            return False
        if self.name:
            wanted = folded(self.name)
            return wanted in folded(sp.name) or wanted in folded(sp.legal_name or "")
        return True


@dataclass
class Overview:
    rows: list[Row]  # every sub-processor on the day, in order, onward ones under their parent
    announced: list[Row]  # the ones announced changes bring in
    filter: Filter
    services: list[Service]
    countries: list[tuple[str, Name]]  # the countries the rows name, by name

    @property
    def shown(self) -> list[Row]:
        return [row for row in self.rows if self.filter.keeps(row)]

    @property
    def shown_announced(self) -> list[Row]:
        return [row for row in self.announced if self.filter.keeps(row)]

    @property
    def total(self) -> int:
        return len(self.rows)


def _rows(snapshot: RegistrySnapshot, upcoming: Upcoming) -> list[Row]:
    direct: dict[int, Row] = {}
    for entry in snapshot.services:
        for e in entry.engagements:
            sp = e.sub_processor
            direct.setdefault(sp.id, Row(sp, snapshot.day)).add(e.purpose or sp.description, entry.service)
    onward: dict[int, Row] = {}
    ordered: list[Row] = []
    for row in sorted(direct.values(), key=lambda r: r.sub_processor.name.lower()):
        ordered.append(row)
        depth = {row.sub_processor.id: 0}
        for link in snapshot.chain_below(row.sub_processor):
            child = link.sub_processor
            depth[child.id] = depth.get(link.parent_id, 0) + 1
            target = direct.get(child.id) or onward.get(child.id)
            if target is None:
                target = onward[child.id] = Row(child, snapshot.day, depth[child.id])
                ordered.append(target)
            if all(p.id != link.parent_id for p in target.parents):
                target.parents.append(link.parent)
            for service in row.services:
                target.add(link.purpose or child.description, service)
    for row in ordered:
        row.marks = upcoming.on(row.sub_processor, {s.id for s in row.services})
    return ordered


def _announced(upcoming: Upcoming, present: set[int]) -> list[Row]:
    rows: dict[int, Row] = {}
    for mark in upcoming.new_rows(present):
        sp = mark.sub_processor
        row = rows.setdefault(sp.id, Row(sp, mark.day, 1 if mark.parent else 0, announced=True))
        if mark.parent is not None and all(p.id != mark.parent.id for p in row.parents):
            row.parents.append(mark.parent)
        for service in mark.announcement.services:
            row.add(mark.announcement.purpose or sp.description, service)
        row.marks.append(mark)
    return list(rows.values())


def read_filter(args: Mapping[str, str], services: list[Service], countries: set[str]) -> Filter:
    """The filter from the query string; a value that cannot be applied gets a message and is left out."""
    typed = {key: args.get(key, "") for key in ("service", "country", "eea", "name")}
    result = Filter(typed=typed)
    service = typed["service"]
    if service and all(s.key != service for s in services):
        result.problems["service"] = _("There is no service '%(key)s' here; showing every service.", key=service[:60])
    else:
        result.service = service
    country = typed["country"].upper()
    if country and country not in countries:
        result.problems["country"] = _(
            "No sub-processor here processes in '%(code)s'; showing every country.", code=typed["country"][:60]
        )
    else:
        result.country = country
    eea = typed["eea"] or "all"
    if eea not in EEA_CHOICES:
        result.problems["eea"] = _("Choose all, inside or outside the EEA; showing all.")
    else:
        result.eea = eea
    name = typed["name"].strip()
    if len(name) > NAME_LIMIT:
        result.problems["name"] = _(
            "A name to look for has at most %(limit)s characters (this one has %(count)s); not applied.",
            limit=NAME_LIMIT,
            count=len(name),
        )
    else:
        result.name = name
    return result


def overview_of(snapshot: RegistrySnapshot, upcoming: Upcoming, args: Mapping[str, str]) -> Overview:
    """The overview of the snapshot, filtered as `args` (the query string) asks."""
    rows = _rows(snapshot, upcoming)
    announced = _announced(upcoming, {row.sub_processor.id for row in rows})
    codes = {loc.country_code for row in rows + announced for loc in row.locations if loc.country_code}
    countries = sorted(((code, transfers.named_country(code)) for code in codes), key=lambda c: folded(str(c[1])))
    services = [entry.service for entry in snapshot.services]
    return Overview(rows, announced, read_filter(args, services, codes), services, countries)
