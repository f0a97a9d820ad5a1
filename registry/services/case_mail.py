"""Mail about objections, consent and termination notices, queued in the transaction of the step (no commits)."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..links import absolute
from ..models import CustomerContract, OutboxMessage, User
from ..models.types import utcnow
from .outbox import render_body, row_values


def controller_addresses(contract: CustomerContract, *people: User | None) -> list[str]:
    """The contract's notice address and the controller users involved, each once."""
    found = [contract.notice_email] + [p.email for p in people if p is not None and p.role == "controller"]
    return list(dict.fromkeys(address.lower() for address in found))


def editor_addresses(processor_id: int) -> list[str]:
    """Every active editor of the processor."""
    return list(db.session.scalars(select(User.email).where(
        User.role == "editor", User.processor_id == processor_id, User.active.is_(True)).order_by(User.email)))


def queue(step: str, key: str, contract: CustomerContract, announcement_id: int | None, *,
          controller: list[str] = (), processor: list[str] = (), **context) -> int:
    """Queue one message per address: `controller` addresses get the controller's link, `processor` the editors'.

    `key` names the step uniquely (e.g. 'objection:7:submitted'), so that each address gets it once.
    """
    now = utcnow()
    count = 0
    for audience, addresses in (("controller", controller), ("processor", processor)):
        if not addresses:
            continue
        body = render_body("case", "en", step=step, audience=audience, contract=contract,
                     link=_link(audience, context), **context)
        for address in addresses:
            db.session.add(OutboxMessage(**row_values(
                step.split(".")[0], address, body, f"{key}:{address}", now, processor_id=contract.processor_id,
                announcement_id=announcement_id, contract_id=contract.id)))
            count += 1
    return count


def _link(audience: str, context: dict) -> str:
    objection, decision = context.get("objection"), context.get("decision")
    if audience == "controller":
        if objection is not None:
            return absolute("portal.objection", objection_id=objection.id)
        return absolute("portal.consent", consent_id=decision.id)
    if objection is not None:
        return absolute("admin.objection", slug=objection.contract.processor.slug, objection_id=objection.id)
    return absolute("admin.objections_inbox", slug=decision.contract.processor.slug)

