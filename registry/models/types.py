"""Column types shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC instant that survives a round trip on SQLite and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store instants as aware UTC")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """Now, as an aware UTC instant (called per row, never at import)."""
    return datetime.now(UTC)


class Bilingual:
    """Mixin for a model with notes of the registry's own in English (`note`) and in Dutch (`note_nl`)."""

    def in_language(self, name: str, language: str) -> str | None:
        """The note `name` in `language` ("nl" or "en"); the English one where no Dutch is given."""
        if language == "nl" and getattr(self, f"{name}_nl", None):
            return getattr(self, f"{name}_nl")
        return getattr(self, name)
