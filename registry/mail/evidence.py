"""Proof of delivery: every message about an announcement or to a contract, as rows and as CSV."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from registry.extensions import db
from registry.models import CustomerContract, Objection, OutboxMessage
from registry.text.csv import csv_safe

COLUMNS = [
    "message_id",
    "kind",
    "recipient",
    "announcement",
    "contract",
    "queued_at",
    "attempts",
    "status",
    "accepted_by_mail_server_at",
    "last_error",
]


def messages(announcement_id: int | None = None, contract_ids: list[int] | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).options(selectinload(OutboxMessage.body)).order_by(OutboxMessage.id)
    if announcement_id is not None:
        query = query.where(OutboxMessage.announcement_id == announcement_id)
    if contract_ids is not None:
        query = query.where(OutboxMessage.contract_id.in_(contract_ids or [-1]))
    return list(db.session.scalars(query))


def contracts_of(organisation_id: int) -> list[CustomerContract]:
    return list(db.session.scalars(select(CustomerContract).where(CustomerContract.organisation_id == organisation_id)))


def as_csv(rows: list[OutboxMessage], references: dict[int, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for m in rows:
        writer.writerow(
            [
                csv_safe(v)
                for v in [
                    m.message_id,
                    m.kind,
                    m.recipient,
                    m.announcement_id or "",
                    references.get(m.contract_id, ""),
                    m.queued_at.isoformat(),
                    m.attempts,
                    m.status,
                    m.sent_at.isoformat() if m.sent_at else "",
                    m.last_error or "",
                ]
            ]
        )
    return out.getvalue()


OBJECTION_COLUMNS = [
    "reference",
    "controller",
    "contract",
    "announcement",
    "announcement_title",
    "services",
    "submitted_at",
    "submitted_by",
    "last_day_to_object",
    "effective_date",
    "after_effective",
    "grounds",
    "messages",
    "outcome",
    "outcome_at",
    "outcome_note",
    "termination_reference",
    "termination_given_on",
    "termination_end_date",
]


def objections_csv(rows: list[Objection]) -> str:
    """What was objected to, by whom, when, how it ended: one row per objection."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(OBJECTION_COLUMNS)
    for o in rows:
        t = o.termination
        writer.writerow(
            [
                csv_safe(v)
                for v in [
                    o.reference,
                    o.contract.organisation.name,
                    o.contract.reference,
                    o.announcement.number,
                    o.announcement.title,
                    "; ".join(s.name for s in o.services),
                    o.submitted_at.isoformat(),
                    o.submitted_by.email,
                    o.deadline.isoformat() if o.deadline else "",
                    o.announcement.effective_date.isoformat(),
                    "yes" if o.after_effective else "no",
                    o.grounds,
                    len(o.messages),
                    o.outcome or "open",
                    o.outcome_at.isoformat() if o.outcome_at else "",
                    o.outcome_note or "",
                    t.reference if t else "",
                    t.given_on.isoformat() if t else "",
                    t.end_date.isoformat() if t else "",
                ]
            ]
        )
    return out.getvalue()
