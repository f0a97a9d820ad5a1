"""Inviting a customer's privacy officer from the contract's page: the invitation is for the contract's
organisation, made by an editor of the contract's processor (or the site admin)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry.exceptions import DomainError, NotFound
from registry.mail import invitations as invitation_mail
from registry.models import CustomerContract, Processor
from registry.web.admin import bp
from registry.web.admin.access import editor_of_processor, owned
from registry.web.admin.invitations import section
from registry.web.admin.onboarding_forms import InviteForm
from registry.web.admin.views import contract_form
from registry.web.forms import show_error


@bp.post("/processors/<slug>/contracts/<int:contract_id>/invite")
@editor_of_processor
def invite_controller(processor: Processor, contract_id: int):
    contract = owned(CustomerContract, processor, contract_id)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitation = invitation_mail.invite_controller(current_user, contract, form.email.data)
        except NotFound:
            abort(404)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(
                _(
                    "An invitation to become a user of %(name)s was sent to %(email)s.",
                    name=contract.organisation.name,
                    email=invitation.email,
                ),
                "success",
            )
            return redirect(url_for("admin.edit_contract", slug=processor.slug, contract_id=contract.id))
    return render_template(
        "admin/contract_form.html",
        processor=processor,
        form=contract_form(processor, contract),
        obj=contract,
        **section(processor, contract, form),
    ), 400
