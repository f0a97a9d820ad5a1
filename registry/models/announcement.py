"""Announcements of sub-processor changes, and the registry versions their publication creates."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, ForeignKey, LargeBinary, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models.processor import Processor, Service
from registry.models.subprocessor import SubProcessor
from registry.models.types import UTCDateTime, utcnow
from registry.text import Styled, _, message, one_line

STATUSES = {"draft": _("draft"), "published": _("published"), "withdrawn": _("withdrawn")}
KINDS = {
    "add": _("Add a sub-processor"),
    "replace": _("Replace a sub-processor"),
    "remove": _("Remove a sub-processor"),
    "change_locations": _("Change a sub-processor's locations or transfer basis"),
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
    # Set when the change is down the chain: the sub-processor that adds, replaces or removes its own.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("sub_processor.id"))
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
    parent: Mapped[SubProcessor | None] = relationship(foreign_keys=[parent_id])
    version: Mapped[RegistryVersion | None] = relationship(foreign_keys=[version_id])
    withdrawal_version: Mapped[RegistryVersion | None] = relationship(foreign_keys=[withdrawal_version_id])

    @property
    def kind_label(self) -> message.Text | str:
        return KINDS.get(self.kind, self.kind)

    @property
    def status_label(self) -> message.Text | str:
        return STATUSES.get(self.status, self.status)

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
    def title(self) -> Styled:
        """One line saying what changes, for lists, feeds and mail subjects (shown in the reader's language)."""
        services = ", ".join(s.name for s in self.services)
        values = {
            "processor": self.processor.name,
            "incoming": self.incoming_name,
            "parent": self.parent.name if self.parent else "",
            "target": self.target.name if self.target else "",
            "services": services,
            "day": self.effective_date,
        }
        text = (
            self._onward_title(values)
            if self.parent_id
            else {
                "add": _("%(processor)s adds %(incoming)s for %(services)s from %(day)s", **values),
                "replace": _(
                    "%(processor)s replaces %(target)s with %(incoming)s for %(services)s from %(day)s", **values
                ),
                "remove": _("%(processor)s removes %(target)s for %(services)s from %(day)s", **values),
                "change_locations": _(
                    "%(processor)s changes where %(target)s processes for %(services)s from %(day)s", **values
                ),
            }.get(self.kind, self.kind)
        )
        if self.urgent:
            text = _("URGENT: %(title)s", title=text)
        return one_line(text)  # one line, whatever the names hold

    def _onward_title(self, values: dict) -> message.Text | str:
        return {
            "add": _(
                "%(processor)s: %(parent)s adds %(incoming)s as its own sub-processor for %(services)s from %(day)s",
                **values,
            ),
            "replace": _(
                "%(processor)s: %(parent)s replaces its own sub-processor %(target)s with %(incoming)s for "
                "%(services)s from %(day)s",
                **values,
            ),
            "remove": _(
                "%(processor)s: %(parent)s stops using its own sub-processor %(target)s for %(services)s from %(day)s",
                **values,
            ),
        }.get(self.kind, self.kind)


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
    def label(self) -> message.Text:
        day = self.effective_date
        number = self.announcement.number if self.announcement is not None else None
        if self.event == "publication":
            return _(
                "Version %(number)s (announcement #%(item)s, effective %(day)s)",
                number=self.number,
                item=number,
                day=day,
            )
        if self.event == "withdrawal":
            return _(
                "Version %(number)s (withdrawal of #%(item)s, effective %(day)s)",
                number=self.number,
                item=number,
                day=day,
            )
        return _("Version %(number)s (initial list, effective %(day)s)", number=self.number, day=day)


class PublishedVersion(db.Model):
    """A registry version's document as published: its canonical JSON (RFC 8785) bytes, fixed once, so that the
    bytes and their signature stay the same however the rows are edited later (registry/subprocessors/published.py)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("registry_version.id"), unique=True)
    processor_id: Mapped[int] = mapped_column(ForeignKey("processor.id"), index=True)
    document: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
