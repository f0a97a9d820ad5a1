"""The mail worker: claims due messages, delivers them over one SMTP connection, retries with back-off."""

from __future__ import annotations

import contextlib
import logging
import smtplib
import socket
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from registry.extensions import db
from registry.mail import outcomes
from registry.mail.messages import Renderer
from registry.models import MailBody, OutboxMessage
from registry.models.types import utcnow

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


class SmtpTransport:
    """One connection for many messages, opened when needed and again after a failure.

    smtplib directly, not Flask-Mail's connection (mail.connect()): its send() takes a Message and builds its bytes
    for every recipient, runs MAIL, RCPT and DATA as one sendmail() (the previous mark could not be confirmed
    between RCPT and DATA, see send()), opens without MAIL_TIMEOUT and keeps a dropped connection (README, Mail).
    """

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

    def send(self, sender: str, recipient: str, data: bytes, before_data=None) -> None:
        """MAIL FROM and RCPT TO, then `before_data()` (the previous message's mark must be safe by then),
        then DATA: the message counts as delivered only once the server answers the DATA."""
        try:
            if self.connection is None:
                self.connection = self._connect()
            connection = self.connection
            connection.ehlo_or_helo_if_needed()
            code, answer = connection.mail(sender)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, answer, sender)
            code, answer = connection.rcpt(recipient)
            if code not in (250, 251):
                raise smtplib.SMTPRecipientsRefused({recipient: (code, answer)})
            if before_data is not None:
                before_data()
            code, answer = connection.data(data)
            if code != 250:
                raise smtplib.SMTPDataError(code, answer)
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
        except UnicodeEncodeError as error:
            # An address stored before the forms refused non-ASCII ones: SMTP without SMTPUTF8 cannot carry it.
            self.close()  # MAIL FROM was accepted; start the next message on a clean connection
            raise PermanentFailure(
                f"the address needs SMTPUTF8, which this mail path does not use ({error})"
            ) from error

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

    def send(self, sender: str, recipient: str, data: bytes, before_data=None, name: str = "message") -> None:
        if before_data is not None:
            before_data()
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
    sender_name: str | None
    created_at: object


def _jobs(ids: list[int], still_due: bool = False) -> tuple[list[_Job], dict[int, _Body]]:
    """The claimed messages and their bodies, in two queries; `still_due` drops any another worker finished."""
    query = select(
        OutboxMessage.id,
        OutboxMessage.recipient,
        OutboxMessage.body_id,
        OutboxMessage.manage_url,
        OutboxMessage.message_id,
        OutboxMessage.attempts,
    ).where(OutboxMessage.id.in_(ids))
    if still_due:
        query = query.where(outcomes.due(utcnow()))
    rows = db.session.execute(query.order_by(OutboxMessage.id)).all()
    jobs = [_Job(*row) for row in rows]
    bodies = db.session.execute(
        select(
            MailBody.id, MailBody.subject, MailBody.text, MailBody.html, MailBody.sender_name, MailBody.created_at
        ).where(MailBody.id.in_({j.body_id for j in jobs}))
    ).all()
    # End the read transaction: on SQLite a snapshot older than the marks could not become the next claim's write.
    db.session.commit()
    return jobs, {row.id: _Body(*row) for row in bodies}


_current_marker: list = []


def _mark(job: _Job, status: str, at=None, error: str | None = None) -> None:
    """Record the outcome of one message durably before the next is sent: a crash repeats at most one."""
    params = {"job_id": job.id, "attempts": job.attempts + 1}
    if status != "failed":
        params["at"] = at
    if status != "sent":
        params["error"] = error
    (_current_marker[-1] if _current_marker else outcomes.SessionMarker()).mark(job.id, status, params)


def _deliver_one(transport, renderer: Renderer, job: _Job, body: _Body, report: DeliveryReport) -> None:
    config = current_app.config
    attempts = job.attempts + 1
    try:
        try:
            data = renderer.message_bytes(body, job.recipient, job.message_id, job.manage_url)
        except ValueError as error:
            raise PermanentFailure(str(error)) from error
        sender = config["MAIL_DEFAULT_SENDER"]
        settle = _current_marker[-1].settle if _current_marker else None
        if isinstance(transport, FileTransport):
            transport.send(sender, job.recipient, data, before_data=settle, name=f"{job.id:08d}")
        else:
            transport.send(sender, job.recipient, data, before_data=settle)
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


def deliver(
    worker: str,
    once: bool = True,
    batch: int = 100,
    poll: float = 5.0,
    should_stop=lambda: False,
    own_connection: bool = False,
    also=None,
) -> DeliveryReport:
    """Deliver due messages; with once=True until none is due, else keep polling until should_stop().

    `also(worker, should_stop)` delivers another outbox's due items (the webhooks) before each claim of mail and
    returns how many it took: the loop ends (or sleeps) only when neither had anything due."""
    report = DeliveryReport()
    transport = _transport()
    renderer = Renderer()
    marker = outcomes.marker_for(own_connection)
    _current_marker.append(marker)
    by_lock = getattr(marker, "locks_claims", False)
    try:
        while not should_stop():
            others = also(worker, should_stop) if also is not None else 0
            ids = outcomes.claim_with_locks(marker, batch) if by_lock else outcomes.claim(worker, batch)
            if not ids:
                if others:
                    continue
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
