"""Where a link in a mail leads, named by what it opens and for whom; the web layer installs how such a place
becomes an absolute URL (registry.web.links), so the domain never names a route."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum


class Place(Enum):
    """What a mail links to, and the values that say which one (as (what it is, names of the values))."""

    ANNOUNCEMENT = ("the public page of an announcement, by its number", ("slug", "number"))
    RESPONSE = ("the controller's form to object to an announcement or decide on consent", ("announcement_id",))
    OBJECTION_FOR_CONTROLLER = ("an objection, as its controller sees it", ("objection_id",))
    OBJECTION_FOR_PROCESSOR = ("an objection, as the processor's editors see it", ("slug", "objection_id"))
    CONSENT_FOR_CONTROLLER = ("a consent decision, as its controller sees it", ("consent_id",))
    OBJECTIONS_FOR_PROCESSOR = ("the processor's objections and consent decisions", ("slug",))
    CHECKPOINTS = ("every signed audit checkpoint and the public key", ())
    CHECKPOINT = ("one signed audit checkpoint, as JSON", ("sequence",))
    SUBSCRIPTION_CONFIRMATION = ("the page that confirms a subscription", ("signed",))
    SUBSCRIPTION = ("the page to manage or end a subscription", ("token",))
    PASSWORD_RESET = ("the page to choose a new password after asking for a reset", ("signed",))
    INVITATION = ("the page where an invitee chooses a password and accepts an invitation", ("signed",))
    PROCESSOR_USERS = ("a processor's accounts and invitations, for its editors", ("slug",))
    WEBHOOK_FOR_PROCESSOR = ("a webhook endpoint of a processor, for its editors", ("slug", "endpoint_id"))
    WEBHOOK_FOR_SUBSCRIBER = ("a webhook endpoint of a subscription, by its manage token", ("token", "endpoint_id"))
    WEBHOOK_FOR_CONTROLLER = ("a webhook endpoint of the reader's own organisation", ("endpoint_id",))
    FEED_ALL = ("the feed of every processor's announcements, as atom or rss", ("kind",))
    FEED_PROCESSOR = ("the feed of one processor's announcements", ("slug", "kind"))
    FEED_SERVICE = ("the feed of the announcements that concern one service", ("slug", "key", "kind"))
    COLLEAGUES = ("the users and invitations of the reader's own organisation, for its controller users", ())

    @property
    def names(self) -> tuple[str, ...]:
        return self.value[1]


Builder = Callable[[Place, dict], str]


def _no_builder(place: Place, values: dict) -> str:
    raise RuntimeError(f"no link builder installed for {place.name}: create the app first (registry.web.mail)")


_builder: Builder = _no_builder


def install(builder: Builder) -> None:
    """Set how a place becomes an absolute URL: the web layer installs its router on BASE_URL at app creation."""
    global _builder
    _builder = builder


def url(place: Place, **values: object) -> str:
    """The absolute URL of `place`; the values must be exactly the ones the place names."""
    if set(values) != set(place.names):
        raise TypeError(f"{place.name} takes {', '.join(place.names) or 'no values'}, not {', '.join(values)}")
    return _builder(place, values)
