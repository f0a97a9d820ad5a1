"""What controllers do about an announcement: object, consent or refuse, consult, give notice of termination."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models.announcement import Announcement
from registry.models.customer import CustomerContract
from registry.models.processor import Service
from registry.models.types import UTCDateTime, utcnow
from registry.models.user import User
from registry.text import _, message

OUTCOMES = {
    "withdrawn": _("Objection withdrawn"),
    "dropped": _("Change dropped for this controller"),
    "adapted": _("Change adapted for this controller"),
    "agreement": _("Agreement reached"),
    "no_agreement": _("No agreement"),
}

DECISIONS = {"granted": _("Consent granted"), "refused": _("Consent refused")}

objection_service = Table(
    "objection_service",
    db.metadata,
    Column("objection_id", ForeignKey("objection.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("service.id"), primary_key=True),
)


class Objection(db.Model):
    """A controller's objection to an announced change under its contract; one per contract and announcement."""

    __table_args__ = (UniqueConstraint("announcement_id", "contract_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(60), unique=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcement.id"), index=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("customer_contract.id"), index=True)
    processor_id: Mapped[int] = mapped_column(ForeignKey("processor.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    grounds: Mapped[str] = mapped_column(Text)
    # The last day to object where the contract states an objection period (none: the contract sets no deadline).
    deadline: Mapped[date | None] = mapped_column()
    # Made after the change took effect (recorded, and marked as such, where the contract sets no deadline).
    after_effective: Mapped[bool] = mapped_column(default=False, server_default="0")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_note: Mapped[str | None] = mapped_column(Text)
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    announcement: Mapped[Announcement] = relationship()
    contract: Mapped[CustomerContract] = relationship()
    services: Mapped[list[Service]] = relationship(secondary=objection_service, order_by="Service.position")
    submitted_by: Mapped[User] = relationship(foreign_keys=[submitted_by_id])
    outcome_by: Mapped[User | None] = relationship(foreign_keys=[outcome_by_id])
    messages: Mapped[list[ObjectionMessage]] = relationship(back_populates="objection", order_by="ObjectionMessage.id")
    termination: Mapped[Termination | None] = relationship(back_populates="objection")

    @property
    def is_open(self) -> bool:
        return self.outcome is None

    @property
    def status_label(self) -> message.Text | str:
        return OUTCOMES.get(self.outcome, self.outcome) if self.outcome else _("Open: in consultation")


class ObjectionMessage(db.Model):
    """One message in the consultation about an objection, from either side."""

    id: Mapped[int] = mapped_column(primary_key=True)
    objection_id: Mapped[int] = mapped_column(ForeignKey("objection.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    side: Mapped[str] = mapped_column(String(20))  # controller or processor
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    objection: Mapped[Objection] = relationship(back_populates="messages")
    author: Mapped[User] = relationship()


class ConsentDecision(db.Model):
    """A controller's consent to, or refusal of, an announced change; one per contract and announcement."""

    __table_args__ = (UniqueConstraint("announcement_id", "contract_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(60), unique=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcement.id"), index=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("customer_contract.id"), index=True)
    processor_id: Mapped[int] = mapped_column(ForeignKey("processor.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    decision: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))

    announcement: Mapped[Announcement] = relationship()
    contract: Mapped[CustomerContract] = relationship()
    decided_by: Mapped[User] = relationship()

    @property
    def granted(self) -> bool:
        return self.decision == "granted"

    @property
    def label(self) -> message.Text | str:
        return DECISIONS.get(self.decision, self.decision)


class Termination(db.Model):
    """A controller's notice of termination, ending its contract after an objection ended without agreement."""

    __tablename__ = "termination_notice"  # the table's name from before the class was named Termination

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(60), unique=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("customer_contract.id"), unique=True)
    objection_id: Mapped[int] = mapped_column(ForeignKey("objection.id"), unique=True)
    processor_id: Mapped[int] = mapped_column(ForeignKey("processor.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    given_on: Mapped[date] = mapped_column()
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    given_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    months: Mapped[int] = mapped_column()
    end_date: Mapped[date] = mapped_column()
    article: Mapped[str | None] = mapped_column(String(40))
    rule: Mapped[str] = mapped_column(Text)

    contract: Mapped[CustomerContract] = relationship()
    objection: Mapped[Objection] = relationship(back_populates="termination")
    given_by: Mapped[User] = relationship()
