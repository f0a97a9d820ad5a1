"""What `flask seed` wrote into each row, so that a later run can tell an edited row from a seeded one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import db
from registry.models.types import UTCDateTime, utcnow


class SeedMark(db.Model):
    """One seeded row: its table, its natural key in the seed file, and the values the seed gave it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    # SHA-256 of the table name and the row's natural key (e.g. processor id and sub-processor key).
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    row_id: Mapped[int] = mapped_column()
    # The natural key and the values as seeded, as JSON (dates as ISO strings).
    seeded: Mapped[dict] = mapped_column(JSON)
    seeded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
