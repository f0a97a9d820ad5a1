"""Subscribing to a processor's announcements by e-mail, and managing or ending it from the mail's links."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from registry.accounts import users
from registry.exceptions import DomainError, NotFound
from registry.extensions import csrf, limiter
from registry.mail import subscriptions as service
from registry.subprocessors.snapshot import get_processor
from registry.web.forms import show_error
from registry.web.i18n import one_full_stop
from registry.web.subscriptions import bp
from registry.web.subscriptions.forms import ScopeForm, SubscribeForm


def _address_key() -> str:
    """Rate-limit key for one e-mail address, whichever client asks."""
    try:
        return "address:" + users.normalise_email(request.form.get("email", ""))
    except DomainError:
        return "address:invalid"


@bp.route("/processors/<slug>/subscribe", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
@limiter.limit("5 per hour", methods=["POST"], key_func=_address_key)
def subscribe(slug: str):
    processor = get_processor(slug)
    form = SubscribeForm()
    form.set_services(processor.services)
    if form.validate_on_submit():
        try:
            service.subscribe(processor, form.email.data, form.language.data, form.service_ids.data or [])
        except DomainError as error:
            show_error(form, error)
        else:
            return render_template("subscriptions/sent.html", processor=processor, email=form.email.data)
    status = 400 if form.is_submitted() else 200
    return render_template("subscriptions/subscribe.html", processor=processor, form=form), status


@bp.route("/subscriptions/confirm/<signed>", methods=["GET", "POST"])
def confirm(signed: str):
    """The mailed link opens a page with a button (a GET changes nothing: mail scanners follow links); its POST
    confirms, once."""
    form = FlaskForm()
    try:
        if form.validate_on_submit():
            sub = service.confirm(signed)
            return render_template(
                "subscriptions/message.html",
                title=_("Subscription confirmed"),
                message=_(
                    "%(email)s now receives the announced changes of %(name)s. Every mail "
                    "has a link to manage or end the subscription.",
                    email=sub.email,
                    name=sub.processor.legal_name,
                ),
            )
        sub = service.confirmable(signed)
    except service.AlreadyConfirmed as done:
        return render_template("subscriptions/message.html", title=_("Already confirmed"), message=done.message)
    except DomainError as error:
        return render_template("subscriptions/message.html", title=_("Not confirmed"), message=error.message), 400
    return render_template("subscriptions/confirm.html", sub=sub, form=form), 400 if form.is_submitted() else 200


def _subscription(token: str):
    try:
        return service.by_token(token)
    except NotFound as error:
        abort(404, error.message)


@bp.route("/subscriptions/<token>/", methods=["GET", "POST"])
def manage(token: str):
    sub = _subscription(token)
    form = ScopeForm(data={"language": sub.language, "service_ids": [s.id for s in sub.services]})
    form.set_services(sub.processor.services)
    if sub.status == "confirmed" and form.validate_on_submit():
        try:
            service.update_scope(token, form.language.data, form.service_ids.data or [])
        except DomainError as error:
            show_error(form, error)
        else:
            return render_template(
                "subscriptions/message.html", title=_("Subscription changed"), message=_("Your choices are saved.")
            )
    return render_template(
        "subscriptions/manage.html", sub=sub, form=form, token=token, unsubscribe_form=FlaskForm()
    ), 400 if form.is_submitted() else 200


@bp.route("/subscriptions/<token>/unsubscribe", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    """RFC 8058: a POST ends the subscription without login or cookie; a GET only shows a button."""
    sub = _subscription(token)
    if request.method == "POST":
        service.unsubscribe(token)
        return render_template(
            "subscriptions/message.html",
            title=_("Unsubscribed"),
            message=one_full_stop(
                _("%(email)s no longer receives mail about %(name)s.", email=sub.email, name=sub.processor.legal_name)
            ),
        )
    return render_template("subscriptions/unsubscribe.html", sub=sub, token=token)
