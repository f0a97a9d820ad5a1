"""Webhook endpoints and the outbox of their deliveries (Standard Webhooks), beside the mail outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models.customer import Organisation
from registry.models.mail import Subscription
from registry.models.processor import Processor
from registry.models.types import UTCDateTime, utcnow
from registry.models.user import User
from registry.text import _

# What an endpoint receives, by its owner: a processor's editors hear of their own announcements and of what their
# customers do; a controller organisation of the announcements that touch its contracts; a subscriber of those its
# subscription covers. Shown as _(label).
EVENT_TYPES = {
    "announcement.published": _("an announcement is published"),
    "announcement.withdrawn": _("an announcement is withdrawn"),
    "objection.submitted": _("a customer objects to an announcement"),
    "consent.decided": _("a customer decides on consent"),
    "termination.noticed": _("a customer gives notice of termination"),
}
PROCESSOR_EVENTS = tuple(EVENT_TYPES)
CONTROLLER_EVENTS = ("announcement.published", "announcement.withdrawn")
# The one message an endpoint gets before any event: it must answer with the challenge it carries.
VERIFICATION = "webhook.verification"

ENDPOINT_STATUSES = {
    "unverified": _("waiting for verification"),
    "active": _("active"),
    "paused": _("paused after failures"),
    "removed": _("removed"),
}
DELIVERY_STATUSES = {"queued": _("queued"), "sending": _("being sent"), "sent": _("delivered"), "failed": _("failed")}


class Outgoing:
    """What every outgoing HTTP notice records (a webhook delivery, a notice to the hub): where it stands, its
    attempts and the claim of the worker sending it, and the receiver's last answer. The index of the ones still
    to send is per table (`due_index`)."""

    status: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_status: Mapped[int | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)


def due_index(name: str) -> Index:
    """Only what is still to send is indexed for the worker's claim (as the mail outbox's)."""
    return Index(
        name,
        "next_attempt_at",
        postgresql_where=text("status IN ('queued', 'sending')"),
        sqlite_where=text("status IN ('queued', 'sending')"),
    )


class WebhookEndpoint(db.Model):
    """An HTTPS address that receives signed events, owned by one processor, one controller organisation or one
    confirmed e-mail subscription.

    The secret signs every delivery (HMAC-SHA256, Standard Webhooks); it is symmetric, so it is stored as it is and
    shown to the owner, who needs it to verify. A removed endpoint is kept, with its deliveries, as evidence."""

    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN processor_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN organisation_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN subscription_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_owner",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    processor_id: Mapped[int | None] = mapped_column(ForeignKey("processor.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    # A subscriber's: managed from the subscription's own page (its token), told of the announcements it covers.
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("subscription.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(200), default="")
    secret: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="unverified")
    # The value the endpoint must send back to the verification message; cleared once it did.
    challenge: Mapped[str | None] = mapped_column(String(64))
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)

    processor: Mapped[Processor | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    subscription: Mapped[Subscription | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def events(self) -> tuple[str, ...]:
        return PROCESSOR_EVENTS if self.processor_id is not None else CONTROLLER_EVENTS

    @property
    def status_label(self):
        return ENDPOINT_STATUSES[self.status]


class WebhookDelivery(Outgoing, db.Model):
    """One event to one endpoint, queued in the transaction of the event; delivered by the outbox worker."""

    __table_args__ = (UniqueConstraint("dedupe_key"), due_index("ix_webhook_delivery_due"))

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoint.id"), index=True)
    event_type: Mapped[str] = mapped_column(String(40))
    # The webhook-id header: the same on every attempt, so that a receiver can drop a repeat.
    webhook_id: Mapped[str] = mapped_column(String(64), unique=True)
    # Each event once per endpoint: e.g. announcement:12:published:endpoint:3.
    dedupe_key: Mapped[str] = mapped_column(String(200))
    # The JSON body, fixed when queued: every attempt sends the same bytes.
    payload: Mapped[str] = mapped_column(Text)
    announcement_id: Mapped[int | None] = mapped_column(ForeignKey("announcement.id"))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("customer_contract.id"))
    # The start of the receiver's last answer (its status is response_status), or why there was none (last_error).
    response_excerpt: Mapped[str | None] = mapped_column(String(500))

    endpoint: Mapped[WebhookEndpoint] = relationship()

    @property
    def status_label(self):
        return DELIVERY_STATUSES[self.status]


class HubPing(Outgoing, db.Model):
    """One notice to the WebSub hub (WEBSUB_HUB) that feeds changed, queued with the publication or withdrawal that
    changed them and sent by the outbox worker: a form POST of hub.mode=publish and every changed feed's hub.url."""

    __table_args__ = (UniqueConstraint("dedupe_key"), due_index("ix_hub_ping_due"))

    id: Mapped[int] = mapped_column(primary_key=True)
    hub: Mapped[str] = mapped_column(String(2000))
    # The feed URLs, one per line.
    topics: Mapped[str] = mapped_column(Text)
    # Each event once: e.g. announcement:12:publication.
    dedupe_key: Mapped[str] = mapped_column(String(200))
    announcement_id: Mapped[int | None] = mapped_column(ForeignKey("announcement.id"))
