"""A processor's own list of sub-processors, read from its spreadsheet: one row per service × sub-processor (or
per sub-processor of a sub-processor) with one location each. Every value is checked before anything is compared
or stored; each problem names its row, its column header and its cell (C4)."""

from __future__ import annotations

from datetime import date

from registry.imports.registry_columns import (
    BASES,
    COLUMNS,
    LONGEST,
    LONGEST_DEFAULT,
    ROLES,
    WORLDWIDE,
    YES_NO,
    Entity,
    Link,
    Listing,
    Place,
    Problem,
    countries,
    key,
)
from registry.imports.tables import Cell, Row, Table
from registry.law import transfers
from registry.text import Text, _
from registry.text.plain import forbidden_character


def _full_names() -> dict[str, str]:
    """The bases as data/transfers.yaml names them ('Standard contractual clauses (Decision (EU) 2021/914)')."""
    names = {key(name): code for code, name in transfers.basis_names().items()}
    names.update({key(name): code for code, name in transfers.former_bases().items()})
    return names


class _Reader:
    def __init__(self, table: Table, day: date, source: str, dpf: dict[str, bool | None]):
        self.table, self.day, self.source, self.dpf = table, day, source, dpf
        self.listing = Listing(table.filename, rows=len(table.rows), letters=dict(table.headers))
        self.seen: dict[tuple, int] = {}

    def problem(self, row: Row, column: str, message: Text, cell: Cell | None = None) -> None:
        ref = cell.ref if cell is not None else f"{self.table.headers.get(column, '')}{row.number}"
        self.listing.problems.append(Problem(row.number, column, ref, message))

    def read(self) -> Listing:
        for name in self.table.unknown_headers:
            self.listing.problems.append(
                Problem(1, "", "1", _("'%(name)s' is not a column of the template; remove it.", name=name))
            )
        for row in self.table.rows:
            self.row(row)
        self.check_onward()
        return self.listing

    def text(self, row: Row, column: str) -> str | None:
        cell = row.cells.get(column)
        if cell is None or not cell.value:
            return None
        if cell.formula:
            self.problem(row, column, _("A formula; type the value itself."), cell)
            self.flagged.add(column)
            return None
        value = " ".join(cell.value.split())  # line breaks and tabs within a cell become spaces
        found = forbidden_character(value)
        if found is not None:
            self.problem(
                row,
                column,
                _(
                    "An invisible character %(code)s at position %(position)d: only plain text can be kept.",
                    code=found.code,
                    position=found.position,
                ),
                cell,
            )
            self.flagged.add(column)
            return None
        longest = LONGEST.get(column, LONGEST_DEFAULT)
        if len(value) > longest:
            self.problem(row, column, _("Longer than %(count)d characters.", count=longest), cell)
            self.flagged.add(column)
            return None
        return value

    def row(self, row: Row) -> None:
        self.flagged: set[str] = set()  # the columns of this row already said to be wrong (a formula, too long)
        values = {c.key: self.text(row, c.key) for c in COLUMNS}
        name, parent, service = values["sub_processor"], values["onward_of"], values["service"]
        if not name and "sub_processor" not in self.flagged:
            self.problem(row, "sub_processor", _("The sub-processor's name is missing."))
        if not values["purpose"] and "purpose" not in self.flagged:
            self.problem(row, "purpose", _("The purpose is missing."))
        if not parent and not service and not {"service", "onward_of"} & self.flagged:
            self.problem(row, "service", _("The service is missing (or name the sub-processor it works for)."))
        if name and parent and key(name) == key(parent):
            self.problem(row, "onward_of", _("A sub-processor cannot be its own sub-processor."))
        place = self.place(row, values, name)
        dpa = self.dpa(row)
        for cell in row.extra:
            self.problem(row, "", _("A value outside the template's columns; remove it."), cell)
        if not (name and values["purpose"] and (parent or service) and place):
            return
        signature = (key(parent or service), bool(parent), key(name), place.country, key(place.place or ""), place.role)
        if signature in self.seen:
            self.problem(row, "sub_processor", _("A duplicate of row %(row)d.", row=self.seen[signature]))
            return
        self.seen[signature] = row.number
        entity = self.listing.entities.setdefault(key(name), Entity(name, first_row=row.number))
        self.agree(row, "legal_name", entity, "legal_name", values["legal_name"])
        self.agree(row, "dpa", entity, "dpa", dpa)
        if place not in entity.places:
            entity.places.append(place)
        link = Link(parent or service, name, values["purpose"], values["source"] or self.source, row.number)
        links = self.listing.onward if parent else self.listing.engagements
        earlier = links.setdefault((key(link.over), key(name)), link)
        if earlier is not link and earlier.purpose != link.purpose:
            self.problem(row, "purpose", _("Differs from the purpose in row %(row)d.", row=earlier.row))
        if service and not parent:
            self.listing.services.setdefault(key(service), service)

    def agree(self, row: Row, column: str, entity: Entity, attr: str, value) -> None:
        """A fact of the sub-processor itself must be the same in every row that names it."""
        if value is None:
            return
        if getattr(entity, attr) is None:
            setattr(entity, attr, value)
        elif getattr(entity, attr) != value:
            self.problem(row, column, _("Differs from row %(row)d for the same sub-processor.", row=entity.first_row))

    def dpa(self, row: Row) -> bool | None:
        value = self.text(row, "dpa")
        if value is None:
            return None
        if value.casefold() not in YES_NO:
            self.problem(row, "dpa", _("'%(value)s': write yes or no (ja or nee), or leave it empty.", value=value))
            return None
        return YES_NO[value.casefold()]

    def place(self, row: Row, values: dict, name: str | None) -> Place | None:
        country, ok = self.country(row, values["country"])
        role = ROLES.get((values["role"] or "processing").casefold())
        if role is None:
            self.problem(row, "role", _("'%(value)s': the role is processing or back-up.", value=values["role"]))
        basis = self.basis(row, values["transfer_basis"], country, name) if ok else None
        if not ok or role is None or basis is False:
            return None
        return Place(country, values["place"], role, basis or None)

    def country(self, row: Row, value: str | None) -> tuple[str | None, bool]:
        if not value and "country" in self.flagged:
            return None, False
        if not value:
            self.problem(row, "country", _("The country is missing (an ISO code such as NL, or its name)."))
            return None, False
        if key(value) in WORLDWIDE:
            return None, True
        code = countries().get(key(value))
        if code is None:
            self.problem(
                row,
                "country",
                _(
                    "Unknown country '%(value)s': give its ISO code (such as DE) or its name in English or Dutch.",
                    value=value,
                ),
            )
            return None, False
        return code, True

    def basis(self, row: Row, value: str | None, country: str | None, name: str | None) -> str | bool | None:
        """The transfer basis's code; False (with a problem) when it does not hold; None inside the EEA."""
        if "transfer_basis" in self.flagged:
            return False
        code = (BASES.get(key(value)) or _full_names().get(key(value))) if value else None
        if value and code is None:
            self.problem(
                row,
                "transfer_basis",
                _(
                    "Unknown transfer basis '%(value)s': adequacy, SCC, BCR or derogation (art. 49).",
                    value=value,
                ),
            )
            return False
        former = transfers.invalidated_basis(code) if code else None
        if former is not None:  # refused wherever it is named: it is no basis at all any more
            self.problem(
                row,
                "transfer_basis",
                _("%(name)s is not a valid basis: %(reason)s.", name=former["name"], reason=Text(former["reason"])),
            )
            return False
        if transfers.in_eea(country, self.day):
            return None
        check = transfers.check_basis(code, country, self.day, self.dpf.get(key(name or "")))
        if not check.valid:
            self.problem(
                row,
                "transfer_basis",
                _(
                    "%(where)s is outside the EEA: %(problem)s.",
                    where=transfers.named_country(country),
                    problem=check.problem,
                ),
            )
            return False
        return code

    def check_onward(self) -> None:
        """Each onward row names a sub-processor of the file as its parent, and its chain reaches a service."""
        reached = {entity for _service, entity in self.listing.engagements}
        grown = True
        while grown:
            before = len(reached)
            reached |= {entity for parent, entity in self.listing.onward if parent in reached}
            grown = len(reached) > before
        for (parent, _entity), link in self.listing.onward.items():
            if parent not in self.listing.entities:
                message = _("Unknown sub-processor '%(name)s': name one that another row lists.", name=link.over)
            elif parent not in reached:
                message = _("'%(name)s' is not engaged for any service in this file.", name=link.over)
            else:
                continue
            ref = f"{self.table.headers.get('onward_of', '')}{link.row}"
            self.listing.problems.append(Problem(link.row, "onward_of", ref, message))


def read_listing(table: Table, day: date, source: str, dpf: dict[str, bool | None]) -> Listing:
    """The file's rows as sub-processors, engagements and onward links; `dpf` gives each known sub-processor's
    recorded Data Privacy Framework certification (by key of its name), for adequacy in the United States."""
    listing = _Reader(table, day, source, dpf).read()
    listing.problems.sort(key=lambda p: p.row)
    return listing
