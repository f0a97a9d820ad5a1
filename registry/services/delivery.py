"""The mail worker: claims due messages, delivers them over one SMTP connection, retries with back-off."""
from __future__ import annotations

import contextlib
import logging
import smtplib
import socket
import time
from dataclasses import dataclass, field
from functools import cache
from datetime import timedelta, timezone
from pathlib import Path

from flask import current_app
from sqlalchemy import and_, bindparam, func, literal_column, or_, select, update

from ..extensions import db
from ..messages import Renderer
from ..models import MailBody, OutboxMessage
from ..models.types import UTCDateTime, utcnow

log = logging.getLogger(__name__)
TEMPORARY = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, socket.timeout, OSError)


class TemporaryFailure(Exception):
    """Try again later: 4xx answers, dropped connections, time-outs."""


class PermanentFailure(Exception):
    """Do not try again: 5xx answers, a message that cannot be built."""


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _due(now, stale=None):
    """Queued and due, or claimed by a worker whose lease ran out."""
    if stale is None:
        stale = now - timedelta(seconds=current_app.config["MAIL_CLAIM_LEASE"])
    return or_(and_(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now),
               and_(OutboxMessage.status == "sending", OutboxMessage.claimed_at < stale))


def claim(worker: str, batch: int) -> list[int]:
    """Mark up to `batch` due messages as ours; on PostgreSQL rows locked by another worker are skipped."""
    now = utcnow()
    query = select(OutboxMessage.id).where(_due(now)).order_by(OutboxMessage.id).limit(batch)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(query))
    if ids:
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(
            status="sending", claimed_at=now, claimed_by=worker))
    db.session.commit()
    return ids


# pg_try_advisory_lock(MAIL_LOCKS, id): a namespace of its own, apart from the audit chain's lock.
MAIL_LOCKS = 0x6D61696C


@cache
def _lock_claim_statement():
    """Due messages, in order, that no other worker holds: each one we return is locked for this session."""
    now, stale = bindparam("now", type_=UTCDateTime), bindparam("stale", type_=UTCDateTime)
    scan = (select(OutboxMessage.id).where(_due(now, stale))
            .order_by(OutboxMessage.id).limit(bindparam("scan")).subquery())
    return (select(scan.c.id)
            .where(func.pg_try_advisory_lock(literal_column(str(MAIL_LOCKS)), scan.c.id))
            .limit(bindparam("batch")))


def claim_with_locks(marker: "AutocommitMarker", batch: int) -> list[int]:
    """PostgreSQL, worker on its own connection: claim by session advisory locks, writing nothing.

    A claim that writes `sending` to every row is a second non-HOT update per message; a lock costs
    the database no write, and it vanishes with the connection, so a killed worker's messages are free
    at once (no lease to wait for). The rows stay `queued`: _jobs() loads only those still due, so a
    message another worker marked between our scan and our lock is not sent again.
    """
    marker.release_claims()
    now = utcnow()
    stale = now - timedelta(seconds=current_app.config["MAIL_CLAIM_LEASE"])
    return marker.select_ids(_lock_claim_statement(), {"now": now, "stale": stale, "scan": batch * 4, "batch": batch})


class SmtpTransport:
    """One connection for many messages, opened when needed and again after a failure."""

    def __init__(self, config):
        self.config = config
        self.connection = None

    def _connect(self):
        c = self.config
        factory = smtplib.SMTP_SSL if c["MAIL_USE_SSL"] else smtplib.SMTP
        connection = factory(c["MAIL_SERVER"], c["MAIL_PORT"], timeout=c["MAIL_TIMEOUT"])
        if c["MAIL_USE_TLS"]:
            connection.starttls()
        if c["MAIL_USERNAME"]:
            connection.login(c["MAIL_USERNAME"], c["MAIL_PASSWORD"] or "")
        return connection

    def send(self, sender: str, recipient: str, data: bytes) -> None:
        try:
            if self.connection is None:
                self.connection = self._connect()
            self.connection.sendmail(sender, [recipient], data)
        except smtplib.SMTPRecipientsRefused as error:
            self.close()
            code, text = next(iter(error.recipients.values()))
            raise (TemporaryFailure if 400 <= code < 500 else PermanentFailure)(f"{code} {text!r}") from error
        except smtplib.SMTPResponseException as error:
            self.close()
            kind = TemporaryFailure if 400 <= error.smtp_code < 500 else PermanentFailure
            raise kind(f"{error.smtp_code} {error.smtp_error!r}") from error
        except TEMPORARY as error:
            self.close()
            raise TemporaryFailure(f"{type(error).__name__}: {error}") from error

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(Exception):  # the connection may be gone already
                self.connection.quit()
            self.connection = None


class FileTransport:
    """Without MAIL_SERVER: every message becomes an .eml file under instance/mail/, and is logged."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def send(self, sender: str, recipient: str, data: bytes, name: str = "message") -> None:
        path = self.folder / f"{name}.eml"
        path.write_bytes(data)
        log.info("mail to %s written to %s", recipient, path)

    def close(self) -> None:
        """Files need no connection."""


def _transport():
    config = current_app.config
    if config.get("MAIL_SERVER"):
        return SmtpTransport(config)
    return FileTransport(Path(current_app.instance_path) / "mail")


@dataclass(frozen=True)
class _Job:
    id: int
    recipient: str
    body_id: int
    manage_url: str | None
    message_id: str
    attempts: int


@dataclass(frozen=True)
class _Body:
    """A detached copy of a MailBody, so that commits do not make us load it again."""

    id: int
    subject: str
    text: str
    html: str
    created_at: object


def _jobs(ids: list[int], still_due: bool = False) -> tuple[list[_Job], dict[int, _Body]]:
    """The claimed messages and their bodies, in two queries; `still_due` drops any another worker finished."""
    query = select(
        OutboxMessage.id, OutboxMessage.recipient, OutboxMessage.body_id, OutboxMessage.manage_url,
        OutboxMessage.message_id, OutboxMessage.attempts).where(OutboxMessage.id.in_(ids))
    if still_due:
        query = query.where(_due(utcnow()))
    rows = db.session.execute(query.order_by(OutboxMessage.id)).all()
    jobs = [_Job(*row) for row in rows]
    bodies = db.session.execute(select(MailBody.id, MailBody.subject, MailBody.text, MailBody.html,
                                       MailBody.created_at).where(MailBody.id.in_({j.body_id for j in jobs}))).all()
    # End the read transaction: on SQLite a snapshot older than the marks could not become the next claim's write.
    db.session.commit()
    return jobs, {row.id: _Body(*row) for row in bodies}


@cache
def _mark_statements() -> dict:
    """Built once and reused, so that marking a message costs little more than the database's own work."""
    where = OutboxMessage.id == bindparam("job_id")
    common = {"attempts": bindparam("attempts"), "claimed_at": None, "claimed_by": None}
    return {
        "sent": update(OutboxMessage).where(where).values(status="sent", sent_at=bindparam("at"), **common),
        "queued": update(OutboxMessage).where(where).values(
            status="queued", last_error=bindparam("error"), next_attempt_at=bindparam("at"), **common),
        "failed": update(OutboxMessage).where(where).values(status="failed", last_error=bindparam("error"),
                                                            **common),
    }


class SessionMarker:
    """Records outcomes through the session (in-process callers, such as tests, share its transaction)."""

    def mark(self, job: _Job, status: str, params: dict) -> None:
        # Core on the session's connection: the ORM's bulk-update machinery costs more than the UPDATE itself.
        db.session.connection().execute(_mark_statements()[status], params)
        db.session.commit()

    def close(self) -> None:
        """The session belongs to the caller."""


SENT_ON_POSTGRESQL = (f"UPDATE {OutboxMessage.__tablename__} SET status = 'sent', sent_at = now(), "
                      "attempts = attempts + 1, claimed_at = NULL, claimed_by = NULL WHERE id = %s")


class AutocommitMarker:
    """For the worker process: one self-committing UPDATE per message on a DBAPI connection of its own.

    On loopback SMTP the bookkeeping is what limits throughput; this spends one
    statement (one round trip on PostgreSQL), compiled once, per message
    instead of BEGIN, UPDATE and COMMIT through the session.
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

    def mark(self, job: _Job, status: str, params: dict) -> None:
        if status == "sent" and not self.sqlite:
            # The common case, as little client work as the database's: one integer parameter, the time
            # of acceptance taken by the server (now() is this self-committing statement's start).
            self.cursor.execute(SENT_ON_POSTGRESQL, (job.id,))
            return
        compiled = self.compiled[status]
        values = compiled.construct_params(params)
        if self.sqlite:
            values = tuple(_sqlite_value(values[name]) for name in compiled.positiontup)
        self.cursor.execute(str(compiled), values)

    @property
    def locks_claims(self) -> bool:
        """Claims by advisory lock need PostgreSQL and this connection staying open for the whole run."""
        return not self.sqlite

    def select_ids(self, statement, params: dict) -> list[int]:
        compiled = statement.compile(dialect=db.engine.dialect)
        self.cursor.execute(str(compiled), compiled.construct_params(params))
        return [row[0] for row in self.cursor.fetchall()]

    def release_claims(self) -> None:
        """Every message this run claimed is marked by now (or its lock must go anyway)."""
        if self.locks_claims:
            self.cursor.execute("SELECT pg_advisory_unlock_all()")

    def close(self) -> None:
        if not self.sqlite:
            self.release_claims()
            self.dbapi.autocommit = False
        self.cursor.close()
        self.pooled.close()


def _sqlite_value(value):
    """Instants as SQLAlchemy stores them in SQLite (naive UTC text), so both paths write the same."""
    if hasattr(value, "astimezone"):
        return value.astimezone(timezone.utc).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def _marker(own_connection: bool):
    return AutocommitMarker() if own_connection else SessionMarker()


_current_marker: list = []


def _mark(job: _Job, status: str, at=None, error: str | None = None) -> None:
    """Record the outcome of one message durably before the next is sent: a crash repeats at most one."""
    params = {"job_id": job.id, "attempts": job.attempts + 1}
    if status != "failed":
        params["at"] = at
    if status != "sent":
        params["error"] = error
    (_current_marker[-1] if _current_marker else SessionMarker()).mark(job, status, params)


def _deliver_one(transport, renderer: Renderer, job: _Job, body: _Body, report: DeliveryReport) -> None:
    config = current_app.config
    attempts = job.attempts + 1
    try:
        try:
            data = renderer.message_bytes(body, job.recipient, job.message_id, job.manage_url)
        except ValueError as error:
            raise PermanentFailure(str(error)) from error
        sender = config["MAIL_DEFAULT_SENDER"]
        if isinstance(transport, FileTransport):
            transport.send(sender, job.recipient, data, name=f"{job.id:08d}")
        else:
            transport.send(sender, job.recipient, data)
    except TemporaryFailure as error:
        if attempts >= config["MAIL_MAX_ATTEMPTS"]:
            _mark(job, "failed", error=f"gave up after {attempts} attempts: {error}")
            report.failed += 1
        else:
            delay = min(config["MAIL_RETRY_BASE"] * 2 ** (attempts - 1), config["MAIL_RETRY_MAX"])
            _mark(job, "queued", at=utcnow() + timedelta(seconds=delay), error=str(error))
            report.retried += 1
    except PermanentFailure as error:
        _mark(job, "failed", error=str(error))
        report.failed += 1
    else:
        _mark(job, "sent", at=utcnow())
        report.sent += 1


def deliver(worker: str, once: bool = True, batch: int = 100, poll: float = 5.0,
            should_stop=lambda: False, own_connection: bool = False) -> DeliveryReport:
    """Deliver due messages; with once=True until none is due, else keep polling until should_stop()."""
    report = DeliveryReport()
    transport = _transport()
    renderer = Renderer()
    marker = _marker(own_connection)
    _current_marker.append(marker)
    by_lock = getattr(marker, "locks_claims", False)
    try:
        while not should_stop():
            ids = claim_with_locks(marker, batch) if by_lock else claim(worker, batch)
            if not ids:
                if once:
                    break
                transport.close()
                time.sleep(poll)
                continue
            jobs, bodies = _jobs(ids, still_due=by_lock)
            for job in jobs:
                if should_stop():
                    break  # the rest stay claimed until the lease runs out, then another worker takes them
                _deliver_one(transport, renderer, job, bodies[job.body_id], report)
    finally:
        transport.close()
        _current_marker.pop().close()
    return report
