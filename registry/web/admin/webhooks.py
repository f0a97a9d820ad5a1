"""A processor's webhook endpoints (/admin/processors/<slug>/webhooks/), for its editors: its own announcements
and what its customers do (objections, consent decisions, notices of termination), signed."""

from __future__ import annotations

from registry.models import Processor
from registry.web import webhook_pages as pages
from registry.web.admin import bp
from registry.web.admin.access import editor_of_processor
from registry.webhooks.owners import Owner


def _side(processor: Processor) -> tuple[Owner, pages.Routes]:
    return Owner(processor=processor), pages.Routes("admin", {"slug": processor.slug})


@bp.get("/processors/<slug>/webhooks/")
@editor_of_processor
def webhooks(processor: Processor):
    return pages.list_page(*_side(processor))


@bp.post("/processors/<slug>/webhooks/")
@editor_of_processor
def create_webhook(processor: Processor):
    return pages.create(*_side(processor))


@bp.get("/processors/<slug>/webhooks/<int:endpoint_id>")
@editor_of_processor
def webhook(processor: Processor, endpoint_id: int):
    return pages.endpoint_page(*_side(processor), endpoint_id)


@bp.post("/processors/<slug>/webhooks/<int:endpoint_id>/verify")
@editor_of_processor
def verify_webhook(processor: Processor, endpoint_id: int):
    return pages.act(*_side(processor), endpoint_id, "verify")


@bp.post("/processors/<slug>/webhooks/<int:endpoint_id>/resume")
@editor_of_processor
def resume_webhook(processor: Processor, endpoint_id: int):
    return pages.act(*_side(processor), endpoint_id, "resume")


@bp.post("/processors/<slug>/webhooks/<int:endpoint_id>/remove")
@editor_of_processor
def remove_webhook(processor: Processor, endpoint_id: int):
    return pages.act(*_side(processor), endpoint_id, "remove")
