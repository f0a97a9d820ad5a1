"""A controller organisation's calendar address: the secret in /portal/calendar/<token>.ics."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models.customer import Organisation
from registry.models.types import UTCDateTime


class CalendarToken(db.Model):
    """One per organisation. The token is a bearer secret kept as it is (like a subscription's manage token), not
    hashed: the organisation's users must be able to see the address again, to paste it into another calendar app.
    It reads dates only, is revoked by clearing it and renewed by replacing it: the old address stops at once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), unique=True)
    token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The language of the events' titles: that of the user who made or last renewed the address (?lang= overrides).
    language: Mapped[str] = mapped_column(String(2), default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    renewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()

    @property
    def active(self) -> bool:
        return self.token is not None
