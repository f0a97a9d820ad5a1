"""Signed checkpoints of the audit log: one at each published event and receipt, and at least one a day.

A checkpoint signs the log's head (how many entries, the last entry's hash, when) with the portal's Ed25519 key,
which lives in the settings or in instance/, never in the database. Whoever keeps a checkpoint (a receipt, a mail,
a saved copy of /audit/checkpoints.json) can later show that the log was shortened or rewritten.
No commits here except in `sign_now`, which is a use case of its own (the operator's daily cron).
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from registry.audit import signing, trail
from registry.extensions import db
from registry.models import AuditCheckpoint, AuditEntry
from registry.models.audit import CHECKPOINT_TYPE
from registry.models.types import utcnow

# What the portal publishes or acknowledges to someone who may need it as evidence later: each gets a checkpoint
# that covers it, shown on the announcement page, the receipt and the mail.
SIGNED_ACTIONS = frozenset(
    {
        "announcement.publish",
        "announcement.withdraw",
        "objection.submit",
        "consent.granted",
        "consent.refused",
        "termination.notice",
    }
)
# At least one checkpoint a day: the first entry written after a day without one makes one (and
# `flask audit checkpoint`, run daily by cron, makes one on a day without writes).
MAX_AGE = timedelta(days=1)


def key() -> signing.SigningKey:
    return signing.load(current_app.config["AUDIT_SIGNING_KEY"])


def newest() -> AuditCheckpoint | None:
    return db.session.scalar(select(AuditCheckpoint).order_by(AuditCheckpoint.sequence.desc()).limit(1))


def after_append(entry: AuditEntry) -> AuditCheckpoint | None:
    """Sign the head after an entry was appended (the chain lock is held) when the entry is a published event or
    receipt, or when the newest checkpoint is a day old."""
    last = newest()
    if entry.action in SIGNED_ACTIONS or last is None or last.at <= utcnow() - MAX_AGE:
        return _sign_head(last)
    return None


def _sign_head(last: AuditCheckpoint | None) -> AuditCheckpoint:
    db.session.flush()
    entries = db.session.scalar(select(func.count()).select_from(AuditEntry))
    head = db.session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)) or trail.GENESIS
    signer = key()
    checkpoint = AuditCheckpoint(
        sequence=(last.sequence + 1) if last else 1,
        entries=entries,
        head=head,
        at=utcnow().replace(microsecond=0),
        previous=last.digest() if last else trail.GENESIS,
        key_id=signer.key_id,
    )
    checkpoint.signature = signer.sign(checkpoint.signed_bytes())
    db.session.add(checkpoint)
    db.session.flush()
    return checkpoint


def sign_now() -> tuple[AuditCheckpoint, bool]:
    """The operator's checkpoint (daily cron): sign the head unless the newest checkpoint already covers it and is
    less than a day old. Returns the checkpoint and whether it is new."""
    trail.lock_chain()
    last = newest()
    entries = db.session.scalar(select(func.count()).select_from(AuditEntry))
    if last is not None and last.entries == entries and last.at > utcnow() - MAX_AGE:
        db.session.rollback()
        return last, False
    checkpoint = _sign_head(last)
    db.session.commit()
    return checkpoint, True


def covering(entry: AuditEntry | None) -> AuditCheckpoint | None:
    """The first checkpoint that covers `entry` (its position in the log is at most the checkpoint's count)."""
    if entry is None:
        return None
    position = db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.id <= entry.id))
    return db.session.scalar(
        select(AuditCheckpoint).where(AuditCheckpoint.entries >= position).order_by(AuditCheckpoint.sequence).limit(1)
    )


def covering_event(object_type: str, object_id: int, actions: tuple[str, ...]) -> AuditCheckpoint | None:
    """The checkpoint that covers the newest entry recording one of `actions` on the object."""
    entry = db.session.scalar(
        select(AuditEntry)
        .where(AuditEntry.object_type == object_type, AuditEntry.object_id == object_id, AuditEntry.action.in_(actions))
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    return covering(entry)


def for_announcement(announcement) -> AuditCheckpoint | None:
    """Covers its publication, and its withdrawal once withdrawn."""
    return covering_event("Announcement", announcement.id, ("announcement.publish", "announcement.withdraw"))


def for_objection(objection) -> AuditCheckpoint | None:
    """Covers the objection's receipt, and the notice of termination once given."""
    return covering_event("Objection", objection.id, ("objection.submit", "termination.notice"))


def for_termination(objection) -> AuditCheckpoint | None:
    return covering_event("Objection", objection.id, ("termination.notice",))


def for_consent(decision) -> AuditCheckpoint | None:
    return covering_event("ConsentDecision", decision.id, ("consent.granted", "consent.refused"))


def document(selected: list[AuditCheckpoint] | None = None) -> dict:
    """What /audit/checkpoints.json publishes: the public key and the checkpoints (all, or those selected)."""
    signer = key()
    if selected is None:
        selected = list(db.session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.sequence)))
    return {
        "type": f"{CHECKPOINT_TYPE}s",
        "algorithm": signing.ALGORITHM,
        "key_id": signer.key_id,
        "public_key": signer.public_key,
        "public_key_pem": signer.public_pem,
        "signed": "Each signature is over the UTF-8 bytes of the JSON object {type, sequence, entries, head, at, "
        "previous} of its checkpoint with sorted keys and no whitespace (RFC 8785). 'entries' counts the "
        "audit log's entries, 'head' is the SHA-256 of the last of them, 'previous' the SHA-256 of the "
        "previous checkpoint's signed bytes (64 zeros for the first).",
        "checkpoints": [c.as_published() for c in selected],
    }


def numbered(sequence: int) -> AuditCheckpoint | None:
    """The checkpoint with this sequence number (what a receipt links to), or None."""
    return db.session.scalar(select(AuditCheckpoint).filter_by(sequence=sequence))
