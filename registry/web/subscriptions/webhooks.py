"""A subscriber's webhook endpoints (/subscriptions/<token>/webhooks/): the announcements its subscription covers,
signed, to its own systems. The manage link is the key, as for the rest of the subscription; registering is
rate-limited per client address (WEBHOOK_REGISTRATION_RATE_LIMIT), and so is asking for the verification message
again, since each makes the worker send a request to the address typed."""

from __future__ import annotations

from flask import abort, current_app
from flask_babel import gettext as _

from registry.exceptions import NotFound
from registry.extensions import limiter
from registry.mail import subscriptions as service
from registry.web import webhook_pages as pages
from registry.web.subscriptions import bp
from registry.webhooks.owners import Owner


def _side(token: str) -> tuple[Owner, pages.Routes]:
    try:
        subscription = service.by_token(token)
    except NotFound:
        abort(404)
    return Owner(subscription=subscription), pages.Routes("subscriptions", {"token": token}, anonymous=True)


def _paused() -> str:
    return _("Too many endpoints registered in a short time. Wait a while, then try again.")


@bp.get("/subscriptions/<token>/webhooks/")
def webhooks(token: str):
    return pages.list_page(*_side(token))


@bp.post("/subscriptions/<token>/webhooks/")
@limiter.limit(lambda: current_app.config["WEBHOOK_REGISTRATION_RATE_LIMIT"], error_message=_paused)
def create_webhook(token: str):
    return pages.create(*_side(token))


@bp.get("/subscriptions/<token>/webhooks/<int:endpoint_id>")
def webhook(token: str, endpoint_id: int):
    return pages.endpoint_page(*_side(token), endpoint_id)


@bp.post("/subscriptions/<token>/webhooks/<int:endpoint_id>/verify")
@limiter.limit(lambda: current_app.config["WEBHOOK_REGISTRATION_RATE_LIMIT"], error_message=_paused)
def verify_webhook(token: str, endpoint_id: int):
    return pages.act(*_side(token), endpoint_id, "verify")


@bp.post("/subscriptions/<token>/webhooks/<int:endpoint_id>/resume")
def resume_webhook(token: str, endpoint_id: int):
    return pages.act(*_side(token), endpoint_id, "resume")


@bp.post("/subscriptions/<token>/webhooks/<int:endpoint_id>/remove")
def remove_webhook(token: str, endpoint_id: int):
    return pages.act(*_side(token), endpoint_id, "remove")
