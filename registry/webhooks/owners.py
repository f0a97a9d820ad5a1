"""Who owns an endpoint and who may manage it: a processor's editors, or a controller organisation's users."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement

from registry.exceptions import NotFound
from registry.models import Organisation, Processor, User, WebhookEndpoint
from registry.text import _


@dataclass(frozen=True)
class Owner:
    """Exactly one of the two."""

    processor: Processor | None = None
    organisation: Organisation | None = None

    @property
    def name(self) -> str:
        return self.processor.name if self.processor is not None else self.organisation.name

    @property
    def processor_id(self) -> int | None:
        """For the audit log: a processor's endpoints are in its log."""
        return self.processor.id if self.processor is not None else None

    def columns(self) -> dict:
        if self.processor is not None:
            return {"processor_id": self.processor.id}
        return {"organisation_id": self.organisation.id}

    def where(self) -> ColumnElement[bool]:
        if self.processor is not None:
            return WebhookEndpoint.processor_id == self.processor.id
        return WebhookEndpoint.organisation_id == self.organisation.id

    def owns(self, endpoint: WebhookEndpoint) -> bool:
        if self.processor is not None:
            return endpoint.processor_id == self.processor.id
        return endpoint.organisation_id == self.organisation.id


def require(actor: User, owner: Owner) -> None:
    """A processor's endpoints are its active editors' (and the site admin's); an organisation's its controller
    users'. Anyone else is told the endpoints do not exist."""
    if owner.processor is not None:
        if actor.may_edit(owner.processor):
            return
    elif actor.active and actor.role == "controller" and actor.organisation_id == owner.organisation.id:
        return
    raise NotFound(_("No such webhook endpoint."))
