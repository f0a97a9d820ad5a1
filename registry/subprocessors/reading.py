"""Reading a processor's own rows for its editor (the processor, its services, terms, contracts, sub-processors) and
the counts the public index shows. Read-only: the writes are in editing."""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from sqlalchemy import func, select

from registry.exceptions import NotFound
from registry.extensions import db
from registry.models import ContractTerms, CustomerContract, Engagement, Processor, Service, SubProcessor, User
from registry.text import Text, _

# What a NotFound calls a row of each kind ("No such service at Vcare."), in the reader's language.
KIND_NAMES = {"Service": _("service"), "ContractTerms": _("contract terms"), "CustomerContract": _("customer contract")}


def kind_name(model: type) -> Text | str:
    return KIND_NAMES.get(model.__name__, model.__name__.lower())


Owned = TypeVar("Owned", Service, ContractTerms, CustomerContract)


def editable_processor(actor: User, slug: str) -> Processor:
    """The processor with this slug, if the actor may edit it; to anyone else it does not exist (NotFound)."""
    processor = db.session.scalar(select(Processor).filter_by(slug=slug))
    if processor is None or not actor.may_edit(processor):
        raise NotFound(_("No such processor."))
    return processor


def of_processor(model: type[Owned], processor: Processor, object_id: int) -> Owned:
    """One of the processor's services, contract terms or customer contracts; NotFound for another's."""
    row = db.session.get(model, object_id)
    if row is None or row.processor_id != processor.id:
        raise NotFound(_("No such %(what)s at %(name)s.", what=kind_name(model), name=processor.name))
    return row


def sub_processors_of(processor: Processor) -> list[SubProcessor]:
    """Every entity the processor has on record, down the chain too, by name."""
    return list(
        db.session.scalars(
            select(SubProcessor)
            .where(SubProcessor.processor_id == processor.id)
            .order_by(func.lower(SubProcessor.name), SubProcessor.id)
        )
    )


def customer_contracts_of(processor: Processor) -> list[CustomerContract]:
    """The processor's contracts with its customers, by reference."""
    return list(
        db.session.scalars(
            select(CustomerContract)
            .where(CustomerContract.processor_id == processor.id)
            .order_by(CustomerContract.reference)
        )
    )


def service_counts() -> dict[int, int]:
    """Processor id → how many services it lists."""
    return dict(
        db.session.execute(select(Service.processor_id, func.count(Service.id)).group_by(Service.processor_id)).all()
    )


def engaged_counts(day: date) -> dict[int, int]:
    """Processor id → how many distinct sub-processors it engages directly on the day."""
    return dict(
        db.session.execute(
            select(Engagement.processor_id, func.count(func.distinct(Engagement.sub_processor_id)))
            .where(Engagement.active_on_clause(day))
            .group_by(Engagement.processor_id)
        ).all()
    )
