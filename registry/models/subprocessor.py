"""Sub-processors, where they process, and their engagement per service over time."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, and_, func, or_
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from registry.extensions import db
from registry.law import transfers
from registry.models.types import Bilingual


class Dated:
    """Mixin for facts that hold from one day (inclusive) until another (exclusive).

    A fact brought in by an announcement records it; one ended by an announcement
    records that too. A withdrawn announcement cancels what it brought in (the
    row stays, marked cancelled) and reopens what it ended: nothing is deleted.
    """

    valid_from: Mapped[date] = mapped_column()
    valid_until: Mapped[date | None] = mapped_column()
    cancelled: Mapped[bool] = mapped_column(default=False)

    @declared_attr
    def announcement_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("announcement.id"), index=True)

    @declared_attr
    def ended_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("announcement.id"))

    def active_on(self, day: date) -> bool:
        return not self.cancelled and self.valid_from <= day and (self.valid_until is None or day < self.valid_until)

    @classmethod
    def active_on_clause(cls, day: date):
        return and_(
            cls.cancelled.is_(False), cls.valid_from <= day, or_(cls.valid_until.is_(None), cls.valid_until > day)
        )


class SubProcessor(Bilingual, db.Model):
    """A legal entity a processor (or one of its sub-processors) engages to process personal data."""

    __table_args__ = (UniqueConstraint("processor_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    processor_id: Mapped[int] = mapped_column(ForeignKey("processor.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    legal_name: Mapped[str | None] = mapped_column(String(200))
    established_in: Mapped[str | None] = mapped_column(String(2))
    identified: Mapped[bool] = mapped_column(default=True)
    description: Mapped[str | None] = mapped_column(Text)
    dpa_in_place: Mapped[bool | None] = mapped_column()
    dpa_source: Mapped[str | None] = mapped_column(String(200))
    outside_eea_stated: Mapped[bool | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(Text)  # the registry's own, in English; `note_nl` in Dutch
    note_nl: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(200))
    # Set for an entity first recorded as another sub-processor's own (not engaged by the processor itself);
    # which sub-processor engages it when is dated in OnwardEngagement.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("sub_processor.id"))
    # EU-US Data Privacy Framework certification (Implementing Decision (EU) 2023/1795 covers only certified
    # organisations): yes/no, as of which day, and where that was read. None: not known.
    dpf_certified: Mapped[bool | None] = mapped_column()
    dpf_checked_on: Mapped[date | None] = mapped_column()
    dpf_source: Mapped[str | None] = mapped_column(String(300))

    parent: Mapped[SubProcessor | None] = relationship(remote_side=[id], back_populates="onward")
    onward: Mapped[list[SubProcessor]] = relationship(
        back_populates="parent", order_by=lambda: func.lower(SubProcessor.name)
    )
    locations: Mapped[list[Location]] = relationship(back_populates="sub_processor", order_by="Location.id")

    def locations_on(self, day: date) -> list[Location]:
        return [loc for loc in self.locations if loc.active_on(day)]

    def outside_eea_on(self, day: date) -> bool | None:
        """True when any location is outside the EEA; None when no location is known."""
        current = self.locations_on(day)
        if not current:
            return None
        return any(loc.outside_eea_on(day) for loc in current)


class Location(Dated, db.Model):
    """Where a sub-processor processes: a country (optionally a place) or worldwide."""

    id: Mapped[int] = mapped_column(primary_key=True)
    sub_processor_id: Mapped[int] = mapped_column(ForeignKey("sub_processor.id"), index=True)
    country_code: Mapped[str | None] = mapped_column(String(2))
    place: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="processing")
    transfer_basis: Mapped[str | None] = mapped_column(String(30))
    transfer_note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(200))

    sub_processor: Mapped[SubProcessor] = relationship(back_populates="locations")

    @property
    def worldwide(self) -> bool:
        return self.country_code is None

    @property
    def label(self) -> str:
        return transfers.place_label(self.country_code, self.place, self.role)

    def outside_eea_on(self, day: date) -> bool:
        return not transfers.in_eea(self.country_code, day)

    def basis_check(self, day: date) -> transfers.BasisCheck | None:
        """None inside the EEA; otherwise whether the stated basis holds on that day."""
        if not self.outside_eea_on(day):
            return None
        return transfers.check_basis(self.transfer_basis, self.country_code, day, self.sub_processor.dpf_certified)


class Engagement(Dated, db.Model):
    """A sub-processor engaged for one service of a processor, from one day until another."""

    id: Mapped[int] = mapped_column(primary_key=True)
    processor_id: Mapped[int] = mapped_column(ForeignKey("processor.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    sub_processor_id: Mapped[int] = mapped_column(ForeignKey("sub_processor.id"), index=True)
    purpose: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(200))

    service = relationship("Service")
    sub_processor: Mapped[SubProcessor] = relationship()


class OnwardEngagement(Dated, db.Model):
    """A sub-processor engaged by another sub-processor (the chain of GDPR art. 28(4)), from one day until another.

    It serves whatever its parent serves. Brought in, ended and cancelled by
    announcements exactly as an engagement is; one recorded from the contract
    has no announcement.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    processor_id: Mapped[int] = mapped_column(ForeignKey("processor.id"), index=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("sub_processor.id"), index=True)
    sub_processor_id: Mapped[int] = mapped_column(ForeignKey("sub_processor.id"))
    purpose: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(200))

    parent: Mapped[SubProcessor] = relationship(foreign_keys=[parent_id])
    sub_processor: Mapped[SubProcessor] = relationship(foreign_keys=[sub_processor_id])


class AnnexListing(db.Model):
    """A row of an annex that lists sub-processors with the services they serve (e.g. Vcare Bijlage B).

    Kept beside the engagements so that the portal can show where two annexes
    of one contract disagree, rather than silently reconciling them.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    processor_id: Mapped[int] = mapped_column(ForeignKey("processor.id"), index=True)
    annex: Mapped[str] = mapped_column(String(100))
    row: Mapped[int] = mapped_column()
    sub_processor_id: Mapped[int | None] = mapped_column(ForeignKey("sub_processor.id"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id"))
    text: Mapped[str | None] = mapped_column(Text)

    sub_processor: Mapped[SubProcessor | None] = relationship()
    service = relationship("Service")
