"""Someone with direct access to the database, who turns off the audit tables' guards before tampering (a
superuser can; the portal's own code never does). Everything is undone with the test's transaction."""

from __future__ import annotations

from sqlalchemy import text

from registry.extensions import db

GUARDS = ("audit_entry_no_update", "audit_entry_no_delete", "audit_checkpoint_no_update", "audit_checkpoint_no_delete")


def disable_audit_guards() -> None:
    """PostgreSQL: stop triggers firing for this transaction; SQLite: drop the triggers (undone on rollback)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
    else:
        for trigger in GUARDS:
            db.session.execute(text(f"DROP TRIGGER {trigger}"))


def run(statement: str, **values) -> None:
    db.session.execute(text(statement), values)
