"""Controller organisations and their contracts with processors."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models.processor import ContractTerms, Processor, Service

contract_service = Table(
    "contract_service",
    db.metadata,
    Column("contract_id", ForeignKey("customer_contract.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("service.id"), primary_key=True),
)


class Organisation(db.Model):
    """A controller: a customer of one or more processors."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))

    contracts: Mapped[list[CustomerContract]] = relationship(back_populates="organisation")


class CustomerContract(db.Model):
    """A controller's contract with a processor: which services, under which terms, notices to where."""

    __table_args__ = (UniqueConstraint("processor_id", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    processor_id: Mapped[int] = mapped_column(ForeignKey("processor.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    reference: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column()
    terms_id: Mapped[int] = mapped_column(ForeignKey("contract_terms.id"))
    notice_email: Mapped[str] = mapped_column(String(254))
    # The language of the notices mailed to notice_email (the seed contracts are Dutch).
    notice_language: Mapped[str] = mapped_column(String(2), default="nl", server_default="nl")

    processor: Mapped[Processor] = relationship()
    organisation: Mapped[Organisation] = relationship(back_populates="contracts")
    terms: Mapped[ContractTerms] = relationship()
    services: Mapped[list[Service]] = relationship(secondary=contract_service, order_by="Service.position")
    # Notice of termination given under this contract, if any (one per contract): it ends on its end date.
    termination = relationship("Termination", viewonly=True, uselist=False, lazy="selectin")
