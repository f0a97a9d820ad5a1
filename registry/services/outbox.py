"""Queueing mail in the transaction of the event that causes it (no commits here)."""
from __future__ import annotations

from flask import render_template
from sqlalchemy import insert, or_, select

from ..describe import describe
from ..extensions import db
from ..links import absolute
from ..messages import MANAGE_PLACEHOLDER, new_message_id
from ..models import Announcement, MailBody, OutboxMessage, Subscription, subscription_service
from ..models.types import utcnow
from . import notice


def _body(template: str, language: str, **context) -> MailBody:
    """Render email/<template>.<language>.{txt,html} once; the subject is the text's first line."""
    text = render_template(f"email/{template}.{language}.txt", manage_url=MANAGE_PLACEHOLDER, **context)
    html = render_template(f"email/{template}.{language}.html", manage_url=MANAGE_PLACEHOLDER, **context)
    subject, _, rest = text.partition("\n")
    body = MailBody(subject=subject.strip()[:300], text=rest.lstrip("\n"), html=html)
    db.session.add(body)
    db.session.flush()
    return body


def queue_one(kind: str, recipient: str, body: MailBody, dedupe_key: str, **links) -> None:
    db.session.add(OutboxMessage(kind=kind, recipient=recipient, body_id=body.id, dedupe_key=dedupe_key,
                                 message_id=new_message_id(), **links))


def queue_announcement(announcement: Announcement, event: str) -> int:
    """Contractual notices to every affected contract, then subscribers not told already; returns the count."""
    facts = describe(announcement)
    page = absolute("public.announcement", slug=announcement.processor.slug, announcement_id=announcement.id)
    announced_on = (announcement.withdrawn_at if event == "withdrawal" else announcement.published_at).date()
    told: set[str] = set()
    rows = []
    now = utcnow()
    for item in notice.notices(announcement.processor, announcement.services, announced_on,
                               bool(facts.outside_eea)):
        if item.contract is None or item.contract.notice_email in told:
            continue
        body = _body("announcement", "en", a=announcement, f=facts, event=event, page=page, notice=item)
        told.add(item.contract.notice_email)
        rows.append(_row("contract_notice", item.contract.notice_email, body, announcement, event, now,
                         contract_id=item.contract.id))
    bodies = {}
    for sub in _subscribers(announcement):
        if sub.email in told:
            continue
        if sub.language not in bodies:
            bodies[sub.language] = _body("announcement", sub.language, a=announcement, f=facts, event=event,
                                         page=page, notice=None)
        told.add(sub.email)
        rows.append(_row("announcement", sub.email, bodies[sub.language], announcement, event, now,
                         subscription_id=sub.id,
                         manage_url=absolute("subscriptions.manage", token=sub.token)))
    if rows:
        db.session.execute(insert(OutboxMessage), rows)
    return len(rows)


def _row(kind, recipient, body, announcement, event, now, **extra) -> dict:
    row = {"kind": kind, "recipient": recipient, "body_id": body.id, "message_id": new_message_id(),
           "dedupe_key": f"announcement:{announcement.id}:{event}:{recipient}",
           "processor_id": announcement.processor_id, "announcement_id": announcement.id, "status": "queued",
           "attempts": 0, "queued_at": now, "next_attempt_at": now, "contract_id": None,
           "subscription_id": None, "manage_url": None}
    row.update(extra)
    return row


def _subscribers(announcement: Announcement) -> list[Subscription]:
    service_ids = [s.id for s in announcement.services]
    chosen = select(subscription_service.c.subscription_id).where(subscription_service.c.service_id.in_(service_ids))
    return list(db.session.scalars(select(Subscription).where(
        Subscription.processor_id == announcement.processor_id, Subscription.status == "confirmed",
        or_(Subscription.all_services.is_(True), Subscription.id.in_(chosen))).order_by(Subscription.id)))
