"""The site admin's side of onboarding: a new processor, and a processor's accounts (editors may look, the site
admin disables and enables them)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from registry.accounts import standing
from registry.exceptions import DomainError, NotFound
from registry.mail import invitations as invitation_mail
from registry.models import Processor
from registry.web.admin import bp, invitations
from registry.web.admin.access import editor_of_processor, editor_required
from registry.web.admin.onboarding_forms import AccountStateForm, InviteForm, ProcessorForm
from registry.web.forms import show_error


def admin_required(view: Callable) -> Callable:
    """As `editor_required`, then 403 for everyone but the site admin."""

    @wraps(view)
    @editor_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403, _("This is for the site admin."))
        return view(*args, **kwargs)

    return wrapped


@bp.route("/processors/new", methods=["GET", "POST"])
@admin_required
def new_processor():
    form = ProcessorForm()
    if form.validate_on_submit():
        try:
            email = (form.first_editor.data or "").strip() or None
            processor = invitation_mail.onboard(current_user, form.values(), email, str(get_locale()))
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Processor %(name)s added.", name=processor.name), "success")
            if email:
                flash(_("An invitation was sent to %(email)s.", email=email.lower()), "success")
            return redirect(url_for("admin.processor", slug=processor.slug))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/processor_form.html", form=form), status


@bp.get("/processors/<slug>/users/")
@editor_of_processor
def users(processor: Processor):
    return invitations.users_page(processor, InviteForm())


def _set_active(processor: Processor, user_id: int, active: bool):
    """Validate the CSRF token, call the service, and go back to the list."""
    if not AccountStateForm().validate_on_submit():
        abort(400)
    try:
        user = standing.set_active(current_user, processor, user_id, active)
    except NotFound:
        abort(404)
    if active:
        flash(_("Account %(email)s enabled.", email=user.email), "success")
    else:
        flash(_("Account %(email)s disabled; its sessions have ended.", email=user.email), "success")
    return redirect(url_for("admin.users", slug=processor.slug))


@bp.post("/processors/<slug>/users/<int:user_id>/disable")
@editor_of_processor
def disable_user(processor: Processor, user_id: int):
    return _set_active(processor, user_id, False)


@bp.post("/processors/<slug>/users/<int:user_id>/enable")
@editor_of_processor
def enable_user(processor: Processor, user_id: int):
    return _set_active(processor, user_id, True)
