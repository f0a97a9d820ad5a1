"""Reading the audit log: a processor's entries, newest first, and one object's history in the order it happened."""

from __future__ import annotations

from sqlalchemy import select

from registry.extensions import db
from registry.models import AuditEntry


def of_processor(processor_id: int, limit: int | None = None) -> list[AuditEntry]:
    """The entries about a processor's registry, newest first (the latest `limit` when one is given)."""
    query = select(AuditEntry).filter_by(processor_id=processor_id).order_by(AuditEntry.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def of_object(obj) -> list[AuditEntry]:
    """Every entry about one object (an objection, a consent decision), oldest first: its thread as recorded."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.object_type == type(obj).__name__, AuditEntry.object_id == obj.id)
            .order_by(AuditEntry.id)
        )
    )
