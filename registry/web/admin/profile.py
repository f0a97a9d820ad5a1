"""A processor's profile page (/admin/processors/<slug>/profile): its editors and the site admin keep its name,
legal name, registration number and address (registry.subprocessors.profile), and its own face: accent colour and
logo (registry.subprocessors.branding)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry.exceptions import DomainError, NotFound
from registry.models import Processor
from registry.subprocessors import branding, profile
from registry.web.admin import bp
from registry.web.admin.access import editor_of_processor
from registry.web.admin.onboarding_forms import FaceForm, ProfileForm, RemoveLogoForm
from registry.web.admin.uploads import read_form
from registry.web.forms import show_error


def _page(processor: Processor, form: ProfileForm, face: FaceForm, status: int = 200):
    return render_template(
        "admin/profile_form.html",
        form=form,
        face=face,
        remove_logo=RemoveLogoForm(formdata=None),
        logo=branding.logo_of(processor),
        processor=processor,
    ), status


@bp.route("/processors/<slug>/profile", methods=["GET", "POST"])
@editor_of_processor
def edit_profile(processor: Processor):
    form = ProfileForm(obj=processor)
    face = FaceForm(formdata=None, obj=processor)
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
    return _page(processor, form, face, 400 if form.is_submitted() else 200)


@bp.post("/processors/<slug>/profile/face")
@editor_of_processor
def edit_face(processor: Processor):
    face = read_form(FaceForm)
    form = ProfileForm(formdata=None, obj=processor)
    if face.validate_on_submit():
        upload = face.logo.data
        try:
            logo = upload.read() if upload is not None and upload.filename else None
            branding.set_face(current_user, processor.id, face.accent_colour.data or "", logo)
        except NotFound:
            abort(404)
        except DomainError as error:
            show_error(face, error)
        else:
            flash(_("The face of %(name)s is saved.", name=processor.name), "success")
            return redirect(url_for("admin.edit_profile", slug=processor.slug))
    return _page(processor, form, face, 400)


@bp.post("/processors/<slug>/profile/logo/remove")
@editor_of_processor
def remove_logo(processor: Processor):
    if not RemoveLogoForm().validate_on_submit():
        abort(400)
    try:
        branding.remove_logo(current_user, processor.id)
    except NotFound:
        abort(404)
    flash(_("The logo of %(name)s is removed.", name=processor.name), "success")
    return redirect(url_for("admin.edit_profile", slug=processor.slug))
