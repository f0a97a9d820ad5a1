"""A finding: one inconsistency in a processor's registry, with where it comes from."""

from __future__ import annotations

from dataclasses import dataclass

from registry.text import Text


@dataclass(frozen=True)
class Finding:
    """One inconsistency in a processor's registry, with where it comes from."""

    processor: str
    kind: str
    message: Text
    source: str | Text | None = None

    def as_dict(self) -> dict:
        """The finding for JSON; its message (and source) still a Text, for the caller to show in a language."""
        return {"processor": self.processor, "kind": self.kind, "message": self.message, "source": self.source}
