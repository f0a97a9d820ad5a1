"""Recording what became of each message, and claiming messages, for the mail worker (services/delivery.py).

Two ways: through the session (in-process callers such as tests share its transaction), or, for the worker
process, on a DBAPI connection of its own, where PostgreSQL claims by advisory lock and commits each
'sent' mark while the next message's envelope goes out.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from functools import cache
from select import select as wait_for_socket

from flask import current_app
from psycopg import pq
from sqlalchemy import and_, bindparam, func, literal_column, or_, select, update

from registry.extensions import db
from registry.models import OutboxMessage
from registry.models.types import UTCDateTime, utcnow


def due(now, stale=None):
    """Queued and due, or claimed by a worker whose lease ran out."""
    if stale is None:
        stale = now - timedelta(seconds=current_app.config["MAIL_CLAIM_LEASE"])
    return or_(
        and_(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == "sending", OutboxMessage.claimed_at < stale),
    )


def claim(worker: str, batch: int) -> list[int]:
    """Mark up to `batch` due messages as ours; on PostgreSQL rows locked by another worker are skipped."""
    now = utcnow()
    query = select(OutboxMessage.id).where(due(now)).order_by(OutboxMessage.id).limit(batch)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(query))
    if ids:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(status="sending", claimed_at=now, claimed_by=worker)
        )
    db.session.commit()
    return ids


# pg_try_advisory_lock(MAIL_LOCKS, id): a namespace of its own, apart from the audit chain's lock.
MAIL_LOCKS = 0x6D61696C


@cache
def _lock_claim_statement():
    """Due messages, in order, that no other worker holds: each one we return is locked for this session."""
    now, stale = bindparam("now", type_=UTCDateTime), bindparam("stale", type_=UTCDateTime)
    scan = (
        select(OutboxMessage.id).where(due(now, stale)).order_by(OutboxMessage.id).limit(bindparam("scan")).subquery()
    )
    return (
        select(scan.c.id)
        .where(func.pg_try_advisory_lock(literal_column(str(MAIL_LOCKS)), scan.c.id))
        .limit(bindparam("batch"))
    )


def claim_with_locks(marker: AutocommitMarker, batch: int) -> list[int]:
    """PostgreSQL, worker on its own connection: claim by session advisory locks, writing nothing.

    A claim that writes `sending` to every row is a second non-HOT update per message; a lock costs
    the database no write, and it vanishes with the connection, so a killed worker's messages are free
    at once (no lease to wait for). The rows stay `queued`: the worker loads only those still due, so a
    message another worker marked between our scan and our lock is not sent again.
    """
    marker.release_claims()
    now = utcnow()
    stale = now - timedelta(seconds=current_app.config["MAIL_CLAIM_LEASE"])
    return marker.select_ids(_lock_claim_statement(), {"now": now, "stale": stale, "scan": batch * 4, "batch": batch})


@cache
def _mark_statements() -> dict:
    """Built once and reused, so that marking a message costs little more than the database's own work."""
    where = OutboxMessage.id == bindparam("job_id")
    common = {"attempts": bindparam("attempts"), "claimed_at": None, "claimed_by": None}
    return {
        "sent": update(OutboxMessage).where(where).values(status="sent", sent_at=bindparam("at"), **common),
        "queued": update(OutboxMessage)
        .where(where)
        .values(status="queued", last_error=bindparam("error"), next_attempt_at=bindparam("at"), **common),
        "failed": update(OutboxMessage).where(where).values(status="failed", last_error=bindparam("error"), **common),
    }


class SessionMarker:
    """Records outcomes through the session (in-process callers, such as tests, share its transaction)."""

    def mark(self, job_id: int, status: str, params: dict) -> None:
        # Core on the session's connection: the ORM's bulk-update machinery costs more than the UPDATE itself.
        db.session.connection().execute(_mark_statements()[status], params)
        db.session.commit()

    def settle(self) -> None:
        """Every mark is committed before mark() returns."""

    def close(self) -> None:
        """The session belongs to the caller."""


SENT_ON_POSTGRESQL = (
    f"UPDATE {OutboxMessage.__tablename__} SET status = 'sent', sent_at = now(), "
    "attempts = attempts + 1, claimed_at = NULL, claimed_by = NULL WHERE id = $1"
).encode()
SENT_STATEMENT = b"registry_mark_sent"


class MarkFailed(Exception):
    """PostgreSQL did not record a message as sent: stop before another message is delivered."""


class AutocommitMarker:
    """For the worker process: one self-committing UPDATE per message on a DBAPI connection of its own.

    On loopback SMTP the bookkeeping is what limits throughput. This spends one statement per message
    instead of BEGIN, UPDATE and COMMIT through the session; on PostgreSQL the common 'sent' mark is
    sent without waiting and its answer read (settle()) before the next message's DATA, so its round
    trip overlaps the next envelope, and claims are advisory locks held by this connection.
    """

    def __init__(self):
        dialect = db.engine.dialect
        self.sqlite = dialect.name == "sqlite"
        self.pooled = db.engine.raw_connection()
        self.dbapi = self.pooled.driver_connection
        if not self.sqlite:
            self.dbapi.autocommit = True  # SQLite connections here are in autocommit mode already (dbsetup)
        self.compiled = {status: stmt.compile(dialect=dialect) for status, stmt in _mark_statements().items()}
        self.cursor = self.dbapi.cursor()
        self.pending: int | None = None  # a 'sent' mark sent to PostgreSQL, its answer not yet read
        if not self.sqlite:
            prepared = self.dbapi.pgconn.prepare(SENT_STATEMENT, SENT_ON_POSTGRESQL, None)
            if prepared.status != pq.ExecStatus.COMMAND_OK:
                raise MarkFailed(prepared.error_message.decode(errors="replace"))

    def mark(self, job_id: int, status: str, params: dict) -> None:
        self.settle()
        if status == "sent" and not self.sqlite:
            # The common case. Sent without waiting: the database commits it while the next message's
            # MAIL FROM and RCPT TO go out, and settle() reads the answer before that message's DATA, so a
            # killed worker still repeats at most one message. One integer parameter; the server takes
            # the time of acceptance (now() is this self-committing statement's start).
            pgconn = self.dbapi.pgconn
            pgconn.send_query_prepared(SENT_STATEMENT, [str(job_id).encode()], None)
            while pgconn.flush():
                wait_for_socket([], [pgconn.socket], [])
            self.pending = job_id
            return
        compiled = self.compiled[status]
        values = compiled.construct_params(params)
        if self.sqlite:
            values = tuple(_sqlite_value(values[name]) for name in compiled.positiontup)
        self.cursor.execute(str(compiled), values)

    def settle(self) -> None:
        """Wait until the 'sent' mark in flight is committed; raise MarkFailed if it was not."""
        if self.pending is None:
            return
        pgconn, job_id, self.pending = self.dbapi.pgconn, self.pending, None
        pgconn.consume_input()
        while pgconn.is_busy():
            wait_for_socket([pgconn.socket], [], [])
            pgconn.consume_input()
        problems = []
        while (result := pgconn.get_result()) is not None:
            if result.status != pq.ExecStatus.COMMAND_OK:
                problems.append(result.error_message.decode(errors="replace"))
        if problems:
            raise MarkFailed(f"message {job_id}: {' '.join(problems)}")

    @property
    def locks_claims(self) -> bool:
        """Claims by advisory lock need PostgreSQL and this connection staying open for the whole run."""
        return not self.sqlite

    def select_ids(self, statement, params: dict) -> list[int]:
        self.settle()
        compiled = statement.compile(dialect=db.engine.dialect)
        self.cursor.execute(str(compiled), compiled.construct_params(params))
        return [row[0] for row in self.cursor.fetchall()]

    def release_claims(self) -> None:
        """Every message this run claimed is marked by now (or its lock must go anyway)."""
        if self.locks_claims:
            self.settle()
            self.cursor.execute("SELECT pg_advisory_unlock_all()")

    def close(self) -> None:
        if not self.sqlite:
            self.release_claims()  # settles the last mark first
            self.dbapi.autocommit = False
        self.cursor.close()
        self.pooled.close()


def _sqlite_value(value):
    """Instants as SQLAlchemy stores them in SQLite (naive UTC text), so both paths write the same."""
    if hasattr(value, "astimezone"):
        return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def marker_for(own_connection: bool):
    return AutocommitMarker() if own_connection else SessionMarker()
