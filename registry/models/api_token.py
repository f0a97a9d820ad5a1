"""A processor's API tokens (Authorization: Bearer) and the answers kept per Idempotency-Key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models.processor import Processor
from registry.models.types import UTCDateTime
from registry.models.user import User

SCOPES = ("read", "draft", "publish")


class ApiToken(db.Model):
    """A bearer secret of one processor, made by one of its editors. Only the SHA-256 of the secret is kept (it is
    shown once, when made); the prefix names it in lists. Scopes are a space-separated subset of SCOPES."""

    id: Mapped[int] = mapped_column(primary_key=True)
    processor_id: Mapped[int] = mapped_column(ForeignKey("processor.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    scopes: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    processor: Mapped[Processor] = relationship()
    created_by: Mapped[User] = relationship()

    @property
    def scope_list(self) -> list[str]:
        return [s for s in SCOPES if s in self.scopes.split()]


class IdempotencyRecord(db.Model):
    """The answer to a POST made with a token and an Idempotency-Key: the same key again gets it again."""

    __table_args__ = (UniqueConstraint("token_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_token.id"))
    key: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
