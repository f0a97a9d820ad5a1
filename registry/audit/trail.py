"""Writing to and verifying the hash-chained audit log (no commits here: callers own the transaction)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import select, text

from registry.extensions import db
from registry.models import AuditEntry, User
from registry.models.types import utcnow
from registry.text import Text, message

GENESIS = "0" * 64
# Any constant: the key of PostgreSQL's transaction-level advisory lock around appending.
_CHAIN_LOCK = 28_2024
# The API token an action is taken with ({"name", "prefix", "id"}), named in the details of every entry it makes.
_ACTING: ContextVar[dict | None] = ContextVar("acting", default=None)


@contextmanager
def acting_with(token: dict) -> Iterator[None]:
    """Entries recorded inside name the API token the actor used (in their details, as "api_token")."""
    reset = _ACTING.set(token)
    try:
        yield
    finally:
        _ACTING.reset(reset)


def lock_chain() -> None:
    """Take turns appending to the log and its checkpoints until the transaction ends: two transactions appending at
    once would both chain to the same entry. (SQLite has one writer at a time, and write requests begin IMMEDIATE:
    see dbsetup.)"""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})


def _last_hash() -> str:
    lock_chain()
    last = db.session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    return last or GENESIS


def said(summary: Text) -> dict:
    """What an entry says, for its (hashed) details: the message id and its values, so that pages show it in the
    reader's language (AuditEntry.shown_summary). A value that is itself a Text (a label such as "Consent granted")
    is kept as its message id and named in "labels"; dates as ISO days."""
    values, labels = {}, []
    for name, value in summary.params.items():
        if isinstance(value, Text) and not value.params:
            values[name] = value.msgid
            labels.append(name)
        else:
            values[name] = message.as_stored(value)
    found = {"message": summary.msgid, "values": values, "labels": labels}
    if summary.plural is not None:
        found.update(plural=summary.plural, count=summary.count)
    return found


def record(
    actor: User | str,
    action: str,
    obj,
    summary: str | Text,
    *,
    processor_id: int | None = None,
    details: dict | None = None,
) -> AuditEntry:
    """Append an entry for a change made in the current transaction; sign the head when the entry is a published
    event or receipt, or when the newest checkpoint is a day old (see checkpoints). A Text summary is stored in
    English as the evidence, and as its message id and values to be shown in the reader's language."""
    details = dict(details or {})
    if _ACTING.get() is not None:
        details["api_token"] = _ACTING.get()
    if isinstance(summary, Text):
        details["said"] = said(summary)
    if isinstance(actor, User):
        actor_id, actor_label = actor.id, actor.email
    else:
        actor_id, actor_label = None, actor
    db.session.flush()
    entry = AuditEntry(
        at=utcnow(),
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        object_type=type(obj).__name__ if obj is not None else "-",
        object_id=getattr(obj, "id", None),
        processor_id=processor_id,
        summary=message.english(summary),
        details=details,
        prev_hash=_last_hash(),
    )
    entry.hash = entry.compute_hash()
    db.session.add(entry)
    db.session.flush()
    from registry.audit import checkpoints  # the checkpoints build on this module

    checkpoints.after_append(entry)
    return entry


def verify_chain() -> list[str]:
    """Problems found walking the chain from the first entry and checking every stored checkpoint; empty when
    intact (see verification, which `flask audit verify` uses)."""
    from registry.audit.verification import verify  # built on this module

    return [problem.message for problem in verify().problems]


def changes(obj, values: dict) -> dict:
    """Set attributes that differ and return {name: [old, new]} for the audit entry."""
    diff = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            diff[name] = [_plain(old), _plain(new)]
            setattr(obj, name, new)
    return diff


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "__table__"):
        for label in ("name", "version", "reference", "email"):
            if hasattr(value, label):
                return getattr(value, label)
        return f"{type(value).__name__} {value.id}"
    return value
