"""The mail worker: claims due messages, delivers them over one SMTP connection, retries with back-off."""
from __future__ import annotations

import logging
import smtplib
import socket
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import and_, or_, select, update

from ..extensions import db
from ..messages import build
from ..models import OutboxMessage
from ..models.types import utcnow

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


def claim(worker: str, batch: int) -> list[int]:
    """Mark up to `batch` due messages as ours; on PostgreSQL rows locked by another worker are skipped."""
    now = utcnow()
    stale = now - timedelta(seconds=current_app.config["MAIL_CLAIM_LEASE"])
    due = or_(and_(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now),
              and_(OutboxMessage.status == "sending", OutboxMessage.claimed_at < stale))
    query = select(OutboxMessage.id).where(due).order_by(OutboxMessage.id).limit(batch)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(query))
    if ids:
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(
            status="sending", claimed_at=now, claimed_by=worker))
    db.session.commit()
    return ids


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
            try:
                self.connection.quit()
            except Exception:  # noqa: BLE001 - the connection may be gone already
                pass
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
        pass


def _transport():
    config = current_app.config
    if config.get("MAIL_SERVER"):
        return SmtpTransport(config)
    return FileTransport(Path(current_app.instance_path) / "mail")


def _deliver_one(transport, message: OutboxMessage, report: DeliveryReport) -> None:
    config = current_app.config
    message.attempts += 1
    try:
        mime = build(message)
        if mime.has_bad_headers():
            raise PermanentFailure("header injection refused")
        data = mime.as_bytes()
        if isinstance(transport, FileTransport):
            transport.send(mime.sender, message.recipient, data, name=f"{message.id:08d}")
        else:
            transport.send(mime.sender, message.recipient, data)
    except TemporaryFailure as error:
        if message.attempts >= config["MAIL_MAX_ATTEMPTS"]:
            message.status, message.last_error = "failed", f"gave up after {message.attempts} attempts: {error}"
            report.failed += 1
        else:
            delay = min(config["MAIL_RETRY_BASE"] * 2 ** (message.attempts - 1), config["MAIL_RETRY_MAX"])
            message.status, message.last_error = "queued", str(error)
            message.next_attempt_at = utcnow() + timedelta(seconds=delay)
            report.retried += 1
    except PermanentFailure as error:
        message.status, message.last_error = "failed", str(error)
        report.failed += 1
    else:
        message.status, message.sent_at = "sent", utcnow()
        report.sent += 1
    message.claimed_at = message.claimed_by = None
    db.session.commit()  # one message at a time: a crash can repeat at most the one in flight


def deliver(worker: str, once: bool = True, batch: int = 100, poll: float = 5.0,
            should_stop=lambda: False) -> DeliveryReport:
    """Deliver due messages; with once=True until none is due, else keep polling until should_stop()."""
    report = DeliveryReport()
    transport = _transport()
    try:
        while not should_stop():
            ids = claim(worker, batch)
            if not ids:
                if once:
                    break
                transport.close()
                time.sleep(poll)
                continue
            for message_id in ids:
                _deliver_one(transport, db.session.get(OutboxMessage, message_id), report)
    finally:
        transport.close()
    return report
