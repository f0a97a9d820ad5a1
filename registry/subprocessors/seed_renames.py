"""Rows a seed file renames: the row seeded under the old name takes the new one instead of getting a twin."""

from __future__ import annotations

from sqlalchemy import select

from registry.extensions import db
from registry.models import ContractTerms, Processor
from registry.subprocessors import seed_marks


def rename_terms(processor: Processor, version: str, former: list[str]) -> bool:
    """A terms version seeded under a name it no longer has ("Verwerkersovereenkomst (seed 000)") takes the new one.

    Only where no version of the new name exists yet, and only a row that still has the old name (an editor's own
    name for it stays). Its mark moves with it, so that the seed then treats the row as it would any other: what
    an editor changed in it is left alone. Returns whether a row was renamed.
    """
    kind = ContractTerms.__tablename__
    lookup = {"processor_id": processor.id, "version": version}
    if seed_marks.find(kind, lookup) or db.session.scalar(select(ContractTerms).filter_by(**lookup)):
        return False
    for old in former:
        old_lookup = {"processor_id": processor.id, "version": old}
        mark = seed_marks.find(kind, old_lookup)
        terms = db.session.get(ContractTerms, mark.row_id) if mark else None
        terms = terms or db.session.scalar(select(ContractTerms).filter_by(**old_lookup))
        if terms is None or terms.version != old:
            continue
        terms.version = version
        if mark:
            seed_marks.rekey(mark, kind, lookup, version=version)
        return True
    return False
