"""Row locks that re-read: a state change judges its row as stored once it holds the lock, never as this session
remembered it (the view may have loaded it before the lock, or a concurrent request committed since).

PostgreSQL: `FOR NO KEY UPDATE` (exclusive between state changes, yet compatible with the `FOR KEY SHARE` that
foreign keys take, so inserting a row that points at a locked one never waits for it, and never deadlocks with the
audit log's lock); `FOR SHARE` for a row that must not change while we act on it. SQLite has no row locks: its
writing transactions begin IMMEDIATE (see dbsetup), so they hold the database's write lock from their first
statement; there the re-read (populate_existing) is what matters.

Lock order, to stay free of deadlocks: processor, announcement, contract, objection.
"""

from __future__ import annotations

from typing import TypeVar

from registry.extensions import db

Row = TypeVar("Row")


def locked(model: type[Row], row_id: int | None, *, shared: bool = False) -> Row | None:
    """The row re-read under its lock (every loaded attribute and relationship refreshed); None if there is none."""
    if row_id is None:
        return None
    lock = {"read": True} if shared else {"key_share": True}
    return db.session.get(model, row_id, with_for_update=lock, populate_existing=True)
