"""The webhook endpoints of the user's organisation (/portal/webhooks/): announcements that touch its contracts,
with each contract's deadlines, signed."""

from __future__ import annotations

from flask_login import current_user

from registry.web import webhook_pages as pages
from registry.web.portal import bp
from registry.web.portal.views import controller_required
from registry.webhooks.owners import Owner

ROUTES = pages.Routes("portal")


def _owner() -> Owner:
    return Owner(organisation=current_user.organisation)


@bp.get("/webhooks/")
@controller_required
def webhooks():
    return pages.list_page(_owner(), ROUTES)


@bp.post("/webhooks/")
@controller_required
def create_webhook():
    return pages.create(_owner(), ROUTES)


@bp.get("/webhooks/<int:endpoint_id>")
@controller_required
def webhook(endpoint_id: int):
    return pages.endpoint_page(_owner(), ROUTES, endpoint_id)


@bp.post("/webhooks/<int:endpoint_id>/verify")
@controller_required
def verify_webhook(endpoint_id: int):
    return pages.act(_owner(), ROUTES, endpoint_id, "verify")


@bp.post("/webhooks/<int:endpoint_id>/resume")
@controller_required
def resume_webhook(endpoint_id: int):
    return pages.act(_owner(), ROUTES, endpoint_id, "resume")


@bp.post("/webhooks/<int:endpoint_id>/remove")
@controller_required
def remove_webhook(endpoint_id: int):
    return pages.act(_owner(), ROUTES, endpoint_id, "remove")
