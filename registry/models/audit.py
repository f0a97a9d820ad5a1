"""The append-only, hash-chained audit log."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..language import translated
from .types import UTCDateTime, utcnow


class AuditEntry(db.Model):
    """One recorded change: who did what to which object, when; each entry hashes the one before."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    actor_label: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[int | None] = mapped_column()
    processor_id: Mapped[int | None] = mapped_column(ForeignKey("processor.id"), index=True)
    summary: Mapped[str] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    @property
    def shown_summary(self) -> str:
        """The summary in the reader's language where the entry recorded its message, else as stored."""
        said = (self.details or {}).get("said")
        if not said:
            return self.summary
        values = dict(said["values"])
        for name in said.get("labels", []):
            values[name] = translated(values[name])
        try:
            return translated(said["message"]) % values
        except (KeyError, TypeError, ValueError):
            return self.summary

    def compute_hash(self) -> str:
        """The SHA-256 over this entry's content and the previous entry's hash."""
        payload = json.dumps(
            {
                "at": self.at.isoformat(),
                "actor_id": self.actor_id,
                "actor_label": self.actor_label,
                "action": self.action,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "processor_id": self.processor_id,
                "summary": self.summary,
                "details": self.details,
                "prev_hash": self.prev_hash,
            },
            sort_keys=True,
            ensure_ascii=False,
            default=str,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(_mapper, _connection, _target):
    raise RuntimeError("the audit log is append-only")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(_mapper, _connection, _target):
    raise RuntimeError("the audit log is append-only")
