"""The audit log as a test finds it, and the signing key worked out with the library alone."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import AuditCheckpoint, AuditEntry

# The key in conftest's AUDIT_SIGNING_KEY, decoded; its public half and id worked out here with the library alone.
PRIVATE = Ed25519PrivateKey.from_private_bytes(b"test-audit-signing-key-32-bytes!")
PUBLIC = PRIVATE.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
KEY_ID = hashlib.sha256(PUBLIC).hexdigest()[:16]
ZEROS = "0" * 64


class Log:
    """The log as the test found it: `n` entries and checkpoints up to #`m`; the clock stands an hour after the
    newest checkpoint (so that the once-a-day checkpoint does not come in between)."""

    def __init__(self):
        self.n = db.session.scalar(select(func.count()).select_from(AuditEntry))
        newest = db.session.scalar(select(AuditCheckpoint).order_by(AuditCheckpoint.sequence.desc()).limit(1))
        self.m = newest.sequence
        self.now = newest.at + timedelta(hours=1)
        self.stamp = self.now.strftime("%Y-%m-%dT%H:%M:%SZ")

    @staticmethod
    def ids() -> list[int]:
        return list(db.session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))

    @staticmethod
    def checkpoint(sequence: int) -> AuditCheckpoint:
        return db.session.scalar(select(AuditCheckpoint).filter_by(sequence=sequence))


def signed_bytes(sequence, entries, head, at, previous) -> bytes:
    """The canonical statement, written out by hand: sorted keys, no whitespace."""
    return (
        f'{{"at":"{at}","entries":{entries},"head":"{head}","previous":"{previous}","sequence":{sequence},'
        f'"type":"audit-checkpoint"}}'
    ).encode()
