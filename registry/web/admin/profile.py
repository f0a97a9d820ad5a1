"""A processor's profile page (/admin/processors/<slug>/profile): its editors and the site admin keep its name,
legal name, registration number and address (registry.subprocessors.profile does the work)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry.exceptions import DomainError, NotFound
from registry.models import Processor
from registry.subprocessors import profile
from registry.web.admin import bp
from registry.web.admin.access import editor_of_processor
from registry.web.admin.onboarding_forms import ProfileForm
from registry.web.forms import show_error


@bp.route("/processors/<slug>/profile", methods=["GET", "POST"])
@editor_of_processor
def edit_profile(processor: Processor):
    form = ProfileForm(obj=processor)
    if form.validate_on_submit():
        try:
            profile.update_profile(current_user, processor.id, form.values())
        except NotFound:
            abort(404)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Profile of %(name)s saved.", name=form.values()["name"]), "success")
            return redirect(url_for("admin.processor", slug=processor.slug))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/profile_form.html", form=form, processor=processor), status
