"""E-mail subscriptions and the outbox of messages the worker delivers."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models.processor import Processor, Service
from registry.models.types import UTCDateTime, utcnow
from registry.text import _

LANGUAGES = {"en": "English", "nl": "Nederlands"}
# Shown on the manage page as _(status).
STATUSES = {"pending": _("pending"), "confirmed": _("confirmed"), "unsubscribed": _("unsubscribed")}

# What each queued message is and where it stands, as the evidence pages show them: _(label).
MESSAGE_KINDS = {
    "contract_announcement": _("contractual announcement"),
    "announcement": _("subscriber mail"),
    "subscription": _("subscription confirmation"),
    "password_reset": _("password reset link"),
    "invitation": _("invitation"),
    "invitation_request": _("request for a new invitation"),
    "objection": _("objection"),
    "consent": _("consent decision"),
    "termination": _("notice of termination"),
    "webhook_paused": _("webhook endpoint paused"),
}
MESSAGE_STATUSES = {"queued": _("queued"), "sending": _("being sent"), "sent": _("accepted"), "failed": _("failed")}

subscription_service = Table(
    "subscription_service",
    db.metadata,
    Column("subscription_id", ForeignKey("subscription.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("service.id"), primary_key=True),
)


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Subscription(db.Model):
    """An address that follows a processor's announcements (all services or chosen ones), after double opt-in."""

    __table_args__ = (UniqueConstraint("processor_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    processor_id: Mapped[int] = mapped_column(ForeignKey("processor.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(2), default="en")
    all_services: Mapped[bool] = mapped_column(default=True)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    # The bearer secret in manage and one-click unsubscribe links.
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    # The secret of the open request to confirm (in the signed confirmation link); cleared once used or ended.
    confirm_nonce: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    processor: Mapped[Processor] = relationship()
    services: Mapped[list[Service]] = relationship(secondary=subscription_service, order_by="Service.position")

    def covers(self, service_ids: set[int]) -> bool:
        return self.all_services or any(s.id in service_ids for s in self.services)


class MailBody(db.Model):
    """Subject and bodies shared by many messages; %%MANAGE_URL%% is filled in per recipient."""

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    # The From header's display name ("Vcare via Sub-processor Registry"); none: MAIL_DEFAULT_SENDER as it is.
    sender_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutboxMessage(db.Model):
    """One message to one recipient, queued in the transaction of the event that caused it."""

    __table_args__ = (
        UniqueConstraint("dedupe_key"),
        # Only messages still to deliver are indexed for the worker's claim: marking a message sent
        # (one UPDATE per message) then touches one index fewer, and the index stays small.
        Index(
            "ix_outbox_message_due",
            "next_attempt_at",
            postgresql_where=text("status IN ('queued', 'sending')"),
            sqlite_where=text("status IN ('queued', 'sending')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    recipient: Mapped[str] = mapped_column(String(254))
    body_id: Mapped[int] = mapped_column(ForeignKey("mail_body.id"))
    manage_url: Mapped[str | None] = mapped_column(String(500))
    # email.utils.make_msgid in the site's domain (messages.new_message_id): the time, the process and 64 random
    # bits. No unique index: it would be rewritten by every mark, and "each recipient once" is the dedupe_key's
    # constraint, not this one's.
    message_id: Mapped[str] = mapped_column(String(200))
    # Each recipient once per event: e.g. announcement:12:publication:a@b.nl.
    dedupe_key: Mapped[str] = mapped_column(String(400))
    # Evidence is read per announcement or per contract; nothing reads messages by processor.
    processor_id: Mapped[int | None] = mapped_column(ForeignKey("processor.id"))
    announcement_id: Mapped[int | None] = mapped_column(ForeignKey("announcement.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("customer_contract.id"), index=True)
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("subscription.id"))
    status: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)

    body: Mapped[MailBody] = relationship()
