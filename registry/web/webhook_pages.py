"""The webhook pages both sides share: the owner's endpoints with a form to register one, and an endpoint's page
(its secret, what it receives, the evidence of each delivery) with buttons to verify again, resume and remove.
The admin and portal blueprints route to these with their owner: a processor, or the user's organisation."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from registry.exceptions import DomainError, NotFound
from registry.models import EVENT_TYPES
from registry.models.webhook import CONTROLLER_EVENTS, PROCESSOR_EVENTS
from registry.web.forms import PlainTextForm, show_error
from registry.webhooks import endpoints, targets
from registry.webhooks.owners import Owner


class EndpointForm(PlainTextForm):
    url = StringField(
        _l("Address of your endpoint"),
        validators=[InputRequired(), Length(max=targets.MAX_URL)],
        description=_l("An https:// address on the public internet that accepts a POST of JSON."),
    )
    description = StringField(
        _l("Description (optional)"),
        validators=[Length(max=endpoints.MAX_DESCRIPTION)],
        description=_l("What receives the events, e.g. the contract management system."),
    )


class EndpointActionForm(PlainTextForm):
    """Only the CSRF token: verifying again, resuming and removing are POSTs to their own addresses."""


@dataclass(frozen=True)
class Routes:
    """The endpoint names of one side (admin.webhooks, portal.webhooks, …), the values its URLs take, and who
    acts (None on a subscription's pages, opened by the manage link alone)."""

    prefix: str
    values: dict = field(default_factory=dict)
    anonymous: bool = False

    @property
    def actor(self):
        return None if self.anonymous else current_user._get_current_object()

    def url(self, name: str, **more) -> str:
        return url_for(f"{self.prefix}.{name}", **self.values, **more)


def _list(owner: Owner, routes: Routes, form: EndpointForm, status: int = 200):
    found = endpoints.of_owner(routes.actor, owner)
    return render_template(
        "webhooks/list.html",
        owner=owner,
        routes=routes,
        endpoints=found,
        form=form,
        events=[(name, EVENT_TYPES[name]) for name in _events(owner)],
    ), status


def _events(owner: Owner) -> tuple[str, ...]:
    return PROCESSOR_EVENTS if owner.processor is not None else CONTROLLER_EVENTS


def list_page(owner: Owner, routes: Routes):
    try:
        return _list(owner, routes, EndpointForm())
    except NotFound:
        abort(404)


def create(owner: Owner, routes: Routes):
    form = EndpointForm()
    if not form.validate_on_submit():
        return _list(owner, routes, form, 400)
    try:
        endpoint = endpoints.register(routes.actor, owner, form.url.data, form.description.data or "")
    except NotFound:
        abort(404)
    except DomainError as error:
        show_error(form, error)
        return _list(owner, routes, form, 400)
    flash(
        _("The endpoint was registered. It receives events once it has answered the verification message."),
        "success",
    )
    return redirect(routes.url("webhook", endpoint_id=endpoint.id), 303)


def endpoint_page(owner: Owner, routes: Routes, endpoint_id: int):
    try:
        endpoint = endpoints.get(routes.actor, owner, endpoint_id)
    except NotFound:
        abort(404)
    return render_template(
        "webhooks/endpoint.html",
        owner=owner,
        routes=routes,
        endpoint=endpoint,
        deliveries=endpoints.deliveries(endpoint),
        events=[(name, EVENT_TYPES[name]) for name in endpoint.events],
        form=EndpointActionForm(),
    )


ACTIONS = {
    "verify": ("verify_again", _l("A new verification message is on its way.")),
    "resume": ("resume", _l("Deliveries were resumed: what was queued goes out now.")),
    "remove": ("remove", _l("The endpoint was removed; it receives nothing more.")),
}


def act(owner: Owner, routes: Routes, endpoint_id: int, action: str):
    if not EndpointActionForm().validate_on_submit():
        abort(400)
    service, done = ACTIONS[action]
    try:
        getattr(endpoints, service)(routes.actor, owner, endpoint_id)
    except NotFound:
        abort(404)
    except DomainError as error:
        flash(str(error), "info")
    else:
        flash(str(done), "success")
        if action == "remove":
            return redirect(routes.url("webhooks"), 303)
    return redirect(routes.url("webhook", endpoint_id=endpoint_id), 303)
