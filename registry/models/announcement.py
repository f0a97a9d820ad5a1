"""Announcements of sub-processor changes, and the registry versions their publication creates."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .processor import Processor, Service
from .subprocessor import SubProcessor
from .types import UTCDateTime, utcnow
from ..markers import N_

KINDS = {
    "add": N_("Add a sub-processor"),
    "replace": N_("Replace a sub-processor"),
    "remove": N_("Remove a sub-processor"),
    "change_locations": N_("Change a sub-processor's locations or transfer basis"),
}

announcement_service = Table(
    "announcement_service",
    db.metadata,
    Column("announcement_id", ForeignKey("announcement.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("service.id"), primary_key=True),
)


class Announcement(db.Model):
    """A change to a processor's registry, announced in advance; immutable once published."""

    __table_args__ = (UniqueConstraint("processor_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    processor_id: Mapped[int] = mapped_column(ForeignKey("processor.id"), index=True)
    number: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)

    target_id: Mapped[int | None] = mapped_column(ForeignKey("sub_processor.id"))
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("sub_processor.id"))
    new_name: Mapped[str | None] = mapped_column(String(200))
    new_legal_name: Mapped[str | None] = mapped_column(String(200))
    new_established_in: Mapped[str | None] = mapped_column(String(2))
    new_description: Mapped[str | None] = mapped_column(Text)
    new_dpa_in_place: Mapped[bool | None] = mapped_column()
    purpose: Mapped[str | None] = mapped_column(Text)
    locations: Mapped[list] = mapped_column(JSON, default=list)

    reason: Mapped[str] = mapped_column(Text)
    effective_date: Mapped[date] = mapped_column()
    urgent: Mapped[bool] = mapped_column(default=False)
    urgency_justification: Mapped[str | None] = mapped_column(Text)
    # The deadlines per contract-terms version as announced, fixed at publication.
    deadlines: Mapped[list] = mapped_column(JSON, default=list)

    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("registry_version.id", use_alter=True))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    withdrawal_version_id: Mapped[int | None] = mapped_column(ForeignKey("registry_version.id", use_alter=True))

    processor: Mapped[Processor] = relationship()
    services: Mapped[list[Service]] = relationship(secondary=announcement_service, order_by="Service.position")
    target: Mapped[SubProcessor | None] = relationship(foreign_keys=[target_id])
    entity: Mapped[SubProcessor | None] = relationship(foreign_keys=[entity_id])
    version: Mapped[RegistryVersion | None] = relationship(foreign_keys=[version_id])
    withdrawal_version: Mapped[RegistryVersion | None] = relationship(foreign_keys=[withdrawal_version_id])

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def incoming_name(self) -> str | None:
        """The name of the sub-processor this change brings in (add, replace)."""
        if self.kind not in ("add", "replace"):
            return None
        return self.entity.name if self.entity else self.new_name

    @property
    def title(self) -> str:
        """One line saying what changes, for lists, feeds and mail subjects."""
        services = ", ".join(s.name for s in self.services)
        target = self.target.name if self.target else ""
        text = {
            "add": f"adds {self.incoming_name}",
            "replace": f"replaces {target} with {self.incoming_name}",
            "remove": f"removes {target}",
            "change_locations": f"changes where {target} processes",
        }.get(self.kind, self.kind)
        prefix = "URGENT: " if self.urgent else ""
        title = f"{prefix}{self.processor.name} {text} for {services} from {self.effective_date.isoformat()}"
        return " ".join(title.split())  # one line, whatever the names hold


class RegistryVersion(db.Model):
    """A numbered version of a processor's registry with its effective date (Vcare art. 15.6)."""

    __table_args__ = (UniqueConstraint("processor_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    processor_id: Mapped[int] = mapped_column(ForeignKey("processor.id"), index=True)
    number: Mapped[int] = mapped_column()
    effective_date: Mapped[date] = mapped_column()
    event: Mapped[str] = mapped_column(String(20))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    announcement_id: Mapped[int | None] = mapped_column(ForeignKey("announcement.id"))

    announcement: Mapped[Announcement | None] = relationship(foreign_keys=[announcement_id])

    @property
    def label(self) -> str:
        what = {"initial": "initial list", "publication": "announcement", "withdrawal": "withdrawal"}[self.event]
        if self.announcement is not None:
            what += f" #{self.announcement.number}"
        return f"Version {self.number} ({what}, effective {self.effective_date.isoformat()})"
