"""Who owns an endpoint and who may manage it: a processor's editors, a controller organisation's users, or the
holder of a confirmed subscription's manage link (a subscriber has no account: the link is the key)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement

from registry.exceptions import NotFound
from registry.models import Organisation, Processor, Subscription, User, WebhookEndpoint
from registry.text import _


@dataclass(frozen=True)
class Owner:
    """Exactly one of the three."""

    processor: Processor | None = None
    organisation: Organisation | None = None
    subscription: Subscription | None = None

    @property
    def name(self) -> str:
        if self.processor is not None:
            return self.processor.name
        if self.organisation is not None:
            return self.organisation.name
        return self.subscription.email

    @property
    def processor_id(self) -> int | None:
        """For the audit log: a processor's endpoints are in its log (a subscriber's are not its business)."""
        return self.processor.id if self.processor is not None else None

    @property
    def row(self):
        """The owner's own row, locked while an endpoint is added so that the limit per owner holds."""
        return self.processor or self.organisation or self.subscription

    def columns(self) -> dict:
        if self.processor is not None:
            return {"processor_id": self.processor.id}
        if self.organisation is not None:
            return {"organisation_id": self.organisation.id}
        return {"subscription_id": self.subscription.id}

    def where(self) -> ColumnElement[bool]:
        if self.processor is not None:
            return WebhookEndpoint.processor_id == self.processor.id
        if self.organisation is not None:
            return WebhookEndpoint.organisation_id == self.organisation.id
        return WebhookEndpoint.subscription_id == self.subscription.id

    def owns(self, endpoint: WebhookEndpoint) -> bool:
        if self.processor is not None:
            return endpoint.processor_id == self.processor.id
        if self.organisation is not None:
            return endpoint.organisation_id == self.organisation.id
        return endpoint.subscription_id == self.subscription.id


def require(actor: User | None, owner: Owner) -> None:
    """A processor's endpoints are its active editors' (and the site admin's); an organisation's its controller
    users'; a subscription's whoever holds its manage link, while it is confirmed. Anyone else is told the
    endpoints do not exist."""
    if owner.processor is not None:
        if actor is not None and actor.may_edit(owner.processor):
            return
    elif owner.organisation is not None:
        if (
            actor is not None
            and actor.active
            and actor.role == "controller"
            and actor.organisation_id == owner.organisation.id
        ):
            return
    elif owner.subscription.status == "confirmed":
        return
    raise NotFound(_("No such webhook endpoint."))
