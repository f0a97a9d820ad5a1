"""Absolute links on BASE_URL, the same inside a request, a CLI command or the mail worker; and the routes behind
the places a mail links to (registry.mail.links), the one URL-building port the mail domain uses."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app

from registry.mail.links import Place

# Each place a mail links to, and the route that shows it (the place's values are the route's arguments).
MAIL_ROUTES = {
    Place.ANNOUNCEMENT: "public.announcement",
    Place.RESPONSE: "portal.respond",
    Place.OBJECTION_FOR_CONTROLLER: "portal.objection",
    Place.OBJECTION_FOR_PROCESSOR: "admin.objection",
    Place.CONSENT_FOR_CONTROLLER: "portal.consent",
    Place.OBJECTIONS_FOR_PROCESSOR: "admin.objections_inbox",
    Place.CHECKPOINTS: "public.audit_checkpoints",
    Place.CHECKPOINT: "public.audit_checkpoint",
    Place.SUBSCRIPTION_CONFIRMATION: "subscriptions.confirm",
    Place.SUBSCRIPTION: "subscriptions.manage",
    Place.PASSWORD_RESET: "auth.reset_password",
    Place.INVITATION: "auth.invitation",
    Place.PROCESSOR_USERS: "admin.users",
    Place.COLLEAGUES: "portal.colleagues",
    Place.WEBHOOK_FOR_PROCESSOR: "admin.webhook",
    Place.WEBHOOK_FOR_CONTROLLER: "portal.webhook",
    Place.WEBHOOK_FOR_SUBSCRIBER: "subscriptions.webhook",
    Place.FEED_ALL: "public.feed_all",
    Place.FEED_PROCESSOR: "public.feed_processor",
    Place.FEED_SERVICE: "public.feed_service",
}


def absolute(endpoint: str, **values) -> str:
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)


def for_mail(place: Place, values: dict) -> str:
    """The absolute URL of a place a mail links to (installed as the mail domain's link builder)."""
    return absolute(MAIL_ROUTES[place], **values)
