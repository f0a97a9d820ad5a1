"""A processor's customers and their contracts brought in from its own spreadsheet: a preview that says per row
what will be made or changed and names every problem with its cell, and the confirmation that stores it all in
one transaction (or nothing), under the rules of the contract form (subprocessors.customer_contracts)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from sqlalchemy import select

from registry.audit import trail
from registry.exceptions import DomainError, NotFound
from registry.extensions import db
from registry.imports.contract_rows import COLUMNS, Problem, Problems, RowReader
from registry.imports.tables import read_table
from registry.imports.templates import csv_template, xlsx_template
from registry.models import CustomerContract, Organisation, Processor, User
from registry.storage.locks import locked
from registry.storage.transactions import one_transaction
from registry.subprocessors import customer_contracts
from registry.text import _

SHOWN_PROBLEMS = 200
FIELD_COLUMNS = {"reference": "reference", "terms_id": "terms", "service_ids": "services"}
FIELD_COLUMNS |= {"notice_language": "language", "notice_email": "notice_email", "organisation_name": "organisation"}


@dataclass
class Planned:
    """What the import does with one row."""

    row: int
    reference: str
    organisation: str
    new_organisation: bool
    action: str  # "create", "update" or "unchanged"
    values: dict
    privacy_officer: str | None = None
    changes: dict = field(default_factory=dict)  # {name: [old, new]} for an update
    contract: CustomerContract | None = None


@dataclass
class Preview:
    filename: str
    rows: list[Planned]
    problems: list[Problem]  # the first SHOWN_PROBLEMS
    problem_count: int
    data: bytes = field(default=b"", repr=False)  # the file, for the confirmation to carry

    def count(self, action: str) -> int:
        return sum(1 for planned in self.rows if planned.action == action)

    @property
    def new_organisations(self) -> int:
        slug = customer_contracts.organisation_slug
        return len({slug(planned.organisation) for planned in self.rows if planned.new_organisation})

    @property
    def to_do(self) -> bool:
        return any(planned.action != "unchanged" for planned in self.rows)

    @property
    def importable(self) -> bool:
        return not self.problem_count and self.to_do

    @property
    def fingerprint(self) -> str:
        """What confirming this preview would do, in a few characters: a confirmation must do what was shown."""
        plan = [(p.row, p.action, p.reference, p.organisation, p.new_organisation, p.changes) for p in self.rows]
        return hashlib.sha256(json.dumps(plan, default=str, sort_keys=True).encode()).hexdigest()[:32]


class PreviewChanged(DomainError):
    """The file or the stored contracts changed since the preview: this is what a confirmation would do now."""

    def __init__(self, preview: Preview):
        super().__init__(_("The contracts changed since the preview. Check the new preview and confirm again."))
        self.preview = preview


def template(processor: Processor, language: str, kind: str) -> bytes:
    """The file to fill in, with one example row that this processor's import takes as it is."""
    terms = processor.contract_terms
    example = {
        "organisation": "Huisartsenpraktijk Voorbeeld",
        "reference": "C-2024-001",
        "start_date": "2024-01-31",
        "services": "; ".join(s.name for s in processor.services[:2]),
        "terms": terms[0].version if len(terms) > 1 else "",
        "notice_email": "privacy@voorbeeld.example",
        "language": language,
        "privacy_officer": "fg@voorbeeld.example",
    }
    if kind == "xlsx":
        return xlsx_template(COLUMNS, [example], language, "Contracten" if language == "nl" else "Contracts")
    return csv_template(COLUMNS, [example], language)


def _require_editor(actor: User, processor: Processor) -> None:
    if not actor.may_edit(processor):
        raise NotFound(_("No such processor."))


def preview(actor: User, processor: Processor, filename: str, data: bytes) -> Preview:
    """What importing the file would do; nothing is stored. DomainError(field="file") for a file that cannot be
    read at all."""
    _require_editor(actor, processor)
    table = read_table(filename, data, COLUMNS)
    reader = RowReader(processor, table.headers)
    problems: list[Problem] = [
        Problem(1, "", _("The column '%(name)s' is not one of the template's: remove it.", name=name[:80]))
        for name in table.unknown_headers
    ]
    stored = {
        c.reference: c
        for c in db.session.scalars(
            select(CustomerContract).filter_by(processor_id=processor.id).execution_options(populate_existing=True)
        )
    }
    choosable = customer_contracts.customers(actor, processor)
    seen: dict[str, int] = {}
    rows: list[Planned] = []
    for row in table.rows:
        reference = row.value("reference")
        if reference and reference in seen:
            problems.append(
                Problem(
                    row.number,
                    reader.where(row, "reference"),
                    _(
                        "The contract reference '%(reference)s' is in row %(row)d already.",
                        reference=reference[:80],
                        row=seen[reference],
                    ),
                )
            )
        seen.setdefault(reference, row.number)
        try:
            values = reader.read(row)
            planned = _plan(processor, row.number, values, stored, choosable)
        except Problems as found:
            problems.extend(found.found)
            continue
        except DomainError as error:
            key = FIELD_COLUMNS.get(error.field or "", "reference")
            problems.append(Problem(row.number, reader.where(row, key), error.message))
            continue
        rows.append(planned)
    return Preview(table.filename, rows, problems[:SHOWN_PROBLEMS], len(problems), data)


def _plan(processor, number, values, stored, choosable) -> Planned:
    name, officer = values.pop("organisation"), values.pop("privacy_officer")
    customer_contracts.check_fields(processor, values["terms"], values["services"], values)
    contract = stored.get(values["reference"])
    known = customer_contracts.known_customer(choosable, name)
    if contract is None:
        return Planned(number, values["reference"], name, known is None, "create", values, officer)
    if known is None or known.id != contract.organisation_id:
        raise DomainError(
            _(
                "Contract '%(reference)s' is %(name)s's: a contract stays with the organisation it was made for. "
                "For another organisation, give a new reference.",
                reference=contract.reference[:80],
                name=contract.organisation.name,
            ),
            "organisation_name",
        )
    changes = customer_contracts.differences(contract, values)
    action = "update" if changes else "unchanged"
    return Planned(
        number, contract.reference, contract.organisation.name, False, action, values, officer, changes, contract
    )


@dataclass
class Imported:
    created: int
    updated: int
    unchanged: int
    organisations: int
    # Each contract of the file whose row named a privacy officer, with the address: for the invitations to follow.
    officers: list[tuple[CustomerContract, str]]


@one_transaction
def confirm(actor: User, processor: Processor, filename: str, data: bytes, fingerprint: str) -> Imported:
    """Store what the preview with this `fingerprint` showed, all in one transaction; PreviewChanged when the
    file or the stored contracts no longer give that preview, DomainError when there is nothing to import."""
    _require_editor(actor, processor)
    locked(Processor, processor.id)  # one change at a time per processor, as the contract form
    shown = preview(actor, processor, filename, data)
    if not shown.problem_count and not shown.to_do:
        raise DomainError(_("Nothing to import: every contract in the file is stored already as it is."), "file")
    if not shown.importable or shown.fingerprint != fingerprint:
        raise PreviewChanged(shown)
    choosable = customer_contracts.customers(actor, processor)
    made: dict[str, Organisation] = {}
    officers = []
    for planned in shown.rows:
        if planned.action == "unchanged":
            if planned.privacy_officer:
                officers.append((planned.contract, planned.privacy_officer))
            continue
        organisation = None
        if planned.action == "create":
            slug = customer_contracts.organisation_slug(planned.organisation)
            organisation = made.get(slug) or customer_contracts.known_customer(choosable, planned.organisation)
            if organisation is None:
                organisation = made[slug] = customer_contracts.new_organisation(planned.organisation)
        contract = locked(CustomerContract, planned.contract.id) if planned.contract is not None else None
        contract, _changes = customer_contracts.store(actor, processor, contract, planned.values, organisation)
        if planned.privacy_officer:
            officers.append((contract, planned.privacy_officer))
    result = Imported(shown.count("create"), shown.count("update"), shown.count("unchanged"), len(made), officers)
    trail.record(
        actor,
        "contracts.import",
        processor,
        _(
            "Imported contracts from %(file)s: %(created)d added, %(updated)d changed, %(unchanged)d unchanged",
            file=filename,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
        ),
        processor_id=processor.id,
        details={
            "file": filename,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "organisations": result.organisations,
        },
    )
    db.session.commit()
    return result
