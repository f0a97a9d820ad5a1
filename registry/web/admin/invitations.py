"""A processor's invitations of editors: the site admin and the processor's editors invite, revoke and re-send."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from registry.accounts import invitations, standing
from registry.exceptions import DomainError, NotFound
from registry.mail import invitations as invitation_mail
from registry.models import CustomerContract, Processor
from registry.models.types import utcnow
from registry.web.admin import bp
from registry.web.admin.access import editor_of_processor
from registry.web.admin.onboarding_forms import AccountStateForm, InviteForm, RevokeInvitationForm
from registry.web.forms import show_error

# How the list names each state of an invitation.
STATES = {
    "pending": lambda: _("pending"),
    "accepted": lambda: _("accepted"),
    "revoked": lambda: _("revoked"),
    "expired": lambda: _("expired"),
}


def users_page(processor: Processor, invite_form: InviteForm, status: int = 200):
    """The accounts page: the editors, the invitations with their state, the form to invite."""
    now = utcnow()
    listed = [(invitation, invitation.state(now)) for invitation in invitations.invitations_of(processor)]
    return render_template(
        "admin/users.html",
        processor=processor,
        editors=standing.editors_of(processor),
        form=AccountStateForm(),
        invite_form=invite_form,
        revoke_form=RevokeInvitationForm(),
        invitations=[(invitation, state, STATES[state]()) for invitation, state in listed],
    ), status


def section(processor: Processor, contract: CustomerContract, invite_form: InviteForm) -> dict:
    """What the contract page shows of invitations: the form, and the organisation's invitations made here."""
    now = utcnow()
    listed = invitations.invitations_for(contract.organisation_id, processor)
    return {
        "invite_form": invite_form,
        "invitations": [(i, i.state(now), STATES[i.state(now)]()) for i in listed],
    }


@bp.post("/processors/<slug>/users/invite")
@editor_of_processor
def invite(processor: Processor):
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitation = invitation_mail.invite(current_user, processor, form.email.data, str(get_locale()))
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("An invitation was sent to %(email)s.", email=invitation.email), "success")
            return redirect(url_for("admin.users", slug=processor.slug))
    return users_page(processor, form, 400)


@bp.post("/processors/<slug>/users/invitations/<int:invitation_id>/revoke")
@editor_of_processor
def revoke_invitation(processor: Processor, invitation_id: int):
    if not RevokeInvitationForm().validate_on_submit():
        abort(400)
    try:
        invitation = invitations.revoke(current_user, processor, invitation_id)
    except NotFound:
        abort(404)
    except DomainError as error:
        flash(str(error), "info")
        return redirect(url_for("admin.users", slug=processor.slug))
    flash(_("The invitation of %(email)s was revoked.", email=invitation.email), "success")
    return redirect(url_for("admin.users", slug=processor.slug))


@bp.post("/processors/<slug>/users/invitations/<int:invitation_id>/resend")
@editor_of_processor
def resend_invitation(processor: Processor, invitation_id: int):
    if not RevokeInvitationForm().validate_on_submit():
        abort(400)
    try:
        invitation = invitation_mail.resend(current_user, processor, invitation_id, str(get_locale()))
    except NotFound:
        abort(404)
    except DomainError as error:
        flash(str(error), "info")
        return redirect(url_for("admin.users", slug=processor.slug))
    flash(_("The invitation of %(email)s was sent again, with a new link.", email=invitation.email), "success")
    return redirect(url_for("admin.users", slug=processor.slug))
