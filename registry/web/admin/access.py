"""Who may use the processor's side: editors and the site admin, each only on the processors they may edit."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user, login_required

from registry.exceptions import NotFound
from registry.models import Processor
from registry.subprocessors import reading
from registry.subprocessors.reading import Owned


def editor_required(view: Callable) -> Callable:
    """Logged in as a site admin or a processor editor; others get 403."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role not in ("admin", "editor"):
            abort(403, _("This part of the site is for processor editors."))
        return view(*args, **kwargs)

    return wrapped


def editor_of_processor(view: Callable) -> Callable:
    """A page of the processor named by `<slug>` in the URL: as `editor_required`, then 404 unless this user may
    edit that processor; the view is called with the processor instead of its slug."""

    @wraps(view)
    @editor_required
    def wrapped(slug: str, **kwargs):
        try:
            processor = reading.editable_processor(current_user, slug)
        except NotFound:
            abort(404)
        return view(processor, **kwargs)

    return wrapped


def owned(model: type[Owned], processor: Processor, object_id: int) -> Owned:
    """One of the processor's services, terms or contracts named in the URL; 404 for another's or none."""
    try:
        return reading.of_processor(model, processor, object_id)
    except NotFound:
        abort(404)
