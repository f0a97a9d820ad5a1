"""The controller's calendar: its address on /portal/calendar/ (make, renew, revoke), and the calendar itself at
/portal/calendar/<token>.ics for calendar apps, by its secret alone (no login, no session, no cookie)."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from registry.cases import calendar, calendar_tokens
from registry.exceptions import DomainError, NotFound
from registry.web.cookieless import cookieless
from registry.web.i18n import LANGUAGES
from registry.web.links import absolute
from registry.web.portal import bp
from registry.web.portal.forms import CalendarActionForm
from registry.web.portal.views import controller_required


def _address(token: str | None) -> str | None:
    return absolute("portal.calendar_ics", token=token) if token else None


@bp.get("/calendar/")
@controller_required
def calendar_page():
    me = current_user._get_current_object()
    found = calendar_tokens.of(me)
    address = _address(found.token) if found is not None else None
    return render_template(
        "portal/calendar.html",
        organisation=me.organisation,
        calendar=found,
        address=address,
        webcal="webcal://" + address.split("://", 1)[1] if address else None,
        form=CalendarActionForm(),
    )


def _act(do, done: str):
    """Validate the CSRF token, call the service, and go back to the page; another organisation's id is a 404."""
    if not CalendarActionForm().validate_on_submit():
        abort(400)
    try:
        do()
    except NotFound:
        abort(404)
    except DomainError as error:
        flash(str(error), "info")
    else:
        flash(done, "success")
    return redirect(url_for("portal.calendar_page"))


@bp.post("/calendar/new")
@controller_required
def create_calendar():
    return _act(
        lambda: calendar_tokens.create(current_user, str(get_locale())),
        _("Your calendar address is ready: add it to your calendar app."),
    )


@bp.post("/calendar/<int:calendar_id>/renew")
@controller_required
def renew_calendar(calendar_id: int):
    return _act(
        lambda: calendar_tokens.renew(current_user, calendar_id, str(get_locale())),
        _("Your calendar has a new address; the old one no longer works."),
    )


@bp.post("/calendar/<int:calendar_id>/revoke")
@controller_required
def revoke_calendar(calendar_id: int):
    return _act(lambda: calendar_tokens.revoke(current_user, calendar_id), _("The calendar address was revoked."))


@bp.get("/calendar/<token>.ics")
@cookieless
def calendar_ics(token: str):
    """The calendar by its secret; 404 with no hint for any other string. It is the same for every reader of the
    address: no session is read or written (no cookie set, no Vary: Cookie); only the reader's own cache keeps it."""
    try:
        found = calendar_tokens.by_token(token)
    except NotFound:
        abort(404)
    chosen = request.args.get("lang")
    language = chosen if chosen in LANGUAGES else found.language
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    with force_locale(language):
        body = calendar.ics(found.organisation, calendar.events(found.organisation_id, host))
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["Content-Language"] = language
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    return response.make_conditional(request)
