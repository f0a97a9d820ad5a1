"""The append-only, hash-chained audit log."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import db
from registry.models.types import UTCDateTime, utcnow
from registry.text import _, message

# Who acted where no person did, as the audit page names it in the reader's language (the stored label stays).
ACTORS = {
    "seed": _("the registry's seed files"),
    "demo": _("the demo data"),
    "cli": _("the operator's command line"),
    "web": _("the website (nobody logged in)"),
}


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
    def shown_actor(self) -> message.Text | str:
        return self.actor_label if self.actor_id is not None else ACTORS.get(self.actor_label, self.actor_label)

    @property
    def shown_summary(self) -> message.Text | str:
        """What the entry said, as a Text shown in the reader's language, where it recorded its message id and
        values (details["said"]; values named in "labels" are message ids themselves); else the stored summary."""
        said = (self.details or {}).get("said")
        if not said:
            return self.summary
        values = dict(said["values"])
        for name in said.get("labels", []):
            values[name] = message.Text(values[name])
        plural = (said["plural"], said["count"]) if said.get("plural") else None
        text = message.Text(said["message"], plural=plural, **values)
        try:
            message.english(text)  # the values fill the message (a row written by hand might not)
        except (KeyError, TypeError, ValueError):
            return self.summary
        return text

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


CHECKPOINT_TYPE = "audit-checkpoint"


class AuditCheckpoint(db.Model):
    """The head of the audit log at one moment, signed with the portal's key (kept outside the database):
    `entries` entries, the last of which has hash `head`. Checkpoints are numbered and chained like the entries,
    so that one removed from the middle leaves a gap, and one kept elsewhere shows a shortened or rewritten log."""

    id: Mapped[int] = mapped_column(primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer, unique=True)
    entries: Mapped[int] = mapped_column(Integer)
    head: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    previous: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(100))

    def statement(self) -> dict:
        """What is signed, as published."""
        return statement(self.sequence, self.entries, self.head, self.at, self.previous)

    def signed_bytes(self) -> bytes:
        return canonical(self.statement())

    def digest(self) -> str:
        """The SHA-256 of the signed statement: the next checkpoint's `previous`."""
        return hashlib.sha256(self.signed_bytes()).hexdigest()

    def as_published(self) -> dict:
        return {**self.statement(), "signature": self.signature}


def statement(sequence: int, entries: int, head: str, at: datetime | str, previous: str) -> dict:
    """A checkpoint's signed fields; `at` as UTC to the second, e.g. 2026-11-22T10:00:00Z."""
    if isinstance(at, datetime):
        at = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "type": CHECKPOINT_TYPE,
        "sequence": sequence,
        "entries": entries,
        "head": head,
        "at": at,
        "previous": previous,
    }


def canonical(fields: dict) -> bytes:
    """The signed bytes: JSON with sorted keys, no whitespace, ASCII only, UTF-8. With nothing but integers and
    ASCII strings in it this is also the JSON Canonicalization Scheme (RFC 8785) of the same object."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("utf-8")


def _refuse_change(_mapper, _connection, target):
    raise RuntimeError(f"the audit log is append-only ({type(target).__name__})")


for _model in (AuditEntry, AuditCheckpoint):
    event.listen(_model, "before_update", _refuse_change)
    event.listen(_model, "before_delete", _refuse_change)
