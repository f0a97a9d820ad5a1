"""What the seed wrote into each row it made, to tell a row nobody touched from one an editor changed.

A mark holds the row's natural key and the values the seed gave it. A row whose values still equal its mark has
not been changed since seeding, and may take a corrected seed value; any other row is left alone. This catches
every way a row can change (the admin forms, a published announcement ending an engagement, a hand edit in the
database) without knowing each of them, which a comparison with the audit log would have to.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from registry.extensions import db
from registry.models import SeedMark
from registry.models.types import utcnow


def plain(value):
    """A value as JSON keeps it, so that a stored mark and a loaded row compare equal."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def _key_hash(kind: str, lookup: dict) -> str:
    text = json.dumps([kind, plain(lookup)], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def find(kind: str, lookup: dict) -> SeedMark | None:
    return db.session.scalar(select(SeedMark).filter_by(key_hash=_key_hash(kind, lookup)))


def record(kind: str, lookup: dict, row, seeded: dict, mark: SeedMark | None = None) -> None:
    """Remember what the seed wrote into `row` (a new mark, or the existing one updated)."""
    if mark is None:
        mark = SeedMark(kind=kind, key_hash=_key_hash(kind, lookup), row_id=row.id)
        db.session.add(mark)
    mark.seeded, mark.seeded_at = seeded, utcnow()


def rekey(mark: SeedMark, kind: str, lookup: dict, **seeded) -> None:
    """Move a mark to the row's new natural key (a row the seed renames), with the seed's new values for it."""
    mark.key_hash = _key_hash(kind, lookup)
    mark.seeded = {**mark.seeded, **plain(seeded)}


def differing(row, seeded: dict) -> list[str]:
    """The names whose value in `row` is no longer what `seeded` says."""
    return [name for name, value in seeded.items() if plain(getattr(row, name)) != value]


@dataclass(frozen=True)
class LeftAlone:
    """A row the seed would have changed but did not, and why."""

    processor: str
    what: str  # "sub-processor", "service", "contract terms", ...
    name: str  # how the seed file names it
    reason: str  # "changed" (since seeding), "removed" (since seeding) or "unmarked" (seeded before marks)
    fields: tuple[str, ...] = ()

    def __str__(self) -> str:
        why = {
            "changed": "changed by an editor or by hand since seeding",
            "removed": "removed since seeding",
            "unmarked": "differs from the seed file and was seeded before seeding kept track",
        }[self.reason]
        fields = f": {', '.join(self.fields)}" if self.fields else ""
        return f"{self.what} '{self.name}' of {self.processor} ({why}{fields})"


@dataclass
class SeedReport:
    """What a seed run changed, per processor, and the rows it left alone because they changed since seeding."""

    changes: dict[str, int] = field(default_factory=dict)
    left_alone: list[LeftAlone] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.changes.values())
