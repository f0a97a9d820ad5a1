"""An invitation to become an editor of a processor, or a user of a controller organisation: mailed as a signed
link that works once, for a week."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models.customer import Organisation
from registry.models.processor import Processor
from registry.models.types import UTCDateTime, utcnow
from registry.models.user import User


class Invitation(db.Model):
    """Who was invited, by whom, to what; its nonce is in the link, so a new nonce ends the old link.

    An editor's invitation (role "editor") names its processor. A controller user's (role "controller") names the
    organisation, and the processor whose editor invited from a contract; a colleague's invitation, made by a user
    of the organisation, has no processor."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    processor_id: Mapped[int | None] = mapped_column(ForeignKey("processor.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="editor")
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    nonce: Mapped[str] = mapped_column(String(64), unique=True)

    processor: Mapped[Processor | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    invited_by: Mapped[User] = relationship()

    def state(self, now: datetime) -> str:
        """Where it stands at `now`: accepted or revoked for good once so, else pending until it expires."""
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if now >= self.expires_at else "pending"
