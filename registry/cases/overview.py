"""What a processor's page shows of its customers' cases: how many objections are open, the notices of termination
received. Read-only; the caller has checked that the user may see the processor."""

from __future__ import annotations

from sqlalchemy import func, select

from registry.extensions import db
from registry.models import Objection, Termination


def open_objections(processor_id: int) -> int:
    """How many objections against the processor have no outcome yet."""
    return db.session.scalar(
        select(func.count())
        .select_from(Objection)
        .where(Objection.processor_id == processor_id, Objection.outcome.is_(None))
    )


def terminations_of(processor_id: int) -> list[Termination]:
    """The notices of termination the processor received, newest first."""
    return list(
        db.session.scalars(
            select(Termination).filter_by(processor_id=processor_id).order_by(Termination.given_at.desc())
        )
    )
