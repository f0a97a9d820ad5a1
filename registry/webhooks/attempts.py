"""What the two outgoing HTTP queues (webhook deliveries, notices to the WebSub hub) share: claiming what is due,
and after each attempt, recording the answer and either the delivery or the next try (back-off) or giving up.
The settings are the webhooks' (WEBHOOK_CLAIM_LEASE, WEBHOOK_RETRY_BASE, WEBHOOK_RETRY_MAX, WEBHOOK_MAX_ATTEMPTS)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update

from registry.extensions import db
from registry.models.types import utcnow
from registry.models.webhook import Outgoing


def due(model: type[Outgoing], now, stale):
    """Queued and due, or claimed by a worker whose lease ran out."""
    return or_(
        and_(model.status == "queued", model.next_attempt_at <= now),
        and_(model.status == "sending", model.claimed_at < stale),
    )


def claim(model: type[Outgoing], worker: str, batch: int, narrow=lambda query, now, stale: query) -> list[int]:
    """Mark up to `batch` due rows as ours, oldest first (`narrow` adds what else they must meet); on PostgreSQL
    rows another worker holds are skipped."""
    now = utcnow()
    stale = now - timedelta(seconds=current_app.config["WEBHOOK_CLAIM_LEASE"])
    query = narrow(select(model.id).where(due(model, now, stale)), now, stale).order_by(model.id).limit(batch)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=model)
    ids = list(db.session.scalars(query))
    if ids:
        db.session.execute(
            update(model).where(model.id.in_(ids)).values(status="sending", claimed_at=now, claimed_by=worker)
        )
    db.session.commit()
    return ids


def still_ours(model: type[Outgoing], row_id: int, worker: str) -> bool:
    """Renew this worker's claim just before sending: False when the row is no longer ours (its lease ran out
    while earlier rows of the batch were sent and another worker took it, or it was removed), so it is not sent
    twice. Committed at once."""
    renewed = db.session.execute(
        update(model)
        .where(model.id == row_id, model.status == "sending", model.claimed_by == worker)
        .values(claimed_at=utcnow())
    ).rowcount
    db.session.commit()
    return renewed == 1


def ours(row: Outgoing, worker: str) -> bool:
    """After the request: record its outcome only while the claim is still this worker's (a removal meanwhile
    marked it failed, and that stays)."""
    return row.status == "sending" and row.claimed_by == worker


def answered(row: Outgoing, status: int | None) -> None:
    """One attempt more, the claim given back, the receiver's status (None: no answer)."""
    row.attempts += 1
    row.claimed_at = row.claimed_by = None
    row.response_status = status


def delivered(row: Outgoing) -> None:
    row.status, row.sent_at, row.last_error = "sent", utcnow(), None


def failed(row: Outgoing, error: str) -> bool:
    """Try again after the back-off, or give up after WEBHOOK_MAX_ATTEMPTS; True when it gave up."""
    config = current_app.config
    if row.attempts >= config["WEBHOOK_MAX_ATTEMPTS"]:
        row.status, row.last_error = "failed", f"gave up after {row.attempts} attempts: {error}"
        return True
    delay = min(config["WEBHOOK_RETRY_BASE"] * 2 ** (row.attempts - 1), config["WEBHOOK_RETRY_MAX"])
    row.status, row.last_error = "queued", error
    row.next_attempt_at = utcnow() + timedelta(seconds=delay)
    return False
