"""A controller organisation's own users (/portal/colleagues/): who they are, the organisation's invitations with
their state, and inviting, revoking and re-sending; for every active user of the organisation."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from registry.accounts import colleagues as service
from registry.exceptions import DomainError, NotFound
from registry.mail import invitations as invitation_mail
from registry.models.types import utcnow
from registry.web.admin.invitations import STATES
from registry.web.forms import show_error
from registry.web.portal import bp
from registry.web.portal.forms import ColleagueInviteForm, InvitationActionForm
from registry.web.portal.views import controller_required


def _page(form: ColleagueInviteForm, status: int = 200):
    now = utcnow()
    me = current_user._get_current_object()
    listed = [(i, i.state(now)) for i in service.invitations_of(me)]
    return render_template(
        "portal/colleagues.html",
        organisation=me.organisation,
        colleagues=service.colleagues_of(me),
        invitations=[(i, state, STATES[state]()) for i, state in listed],
        form=form,
        action_form=InvitationActionForm(),
    ), status


@bp.get("/colleagues/")
@controller_required
def colleagues():
    return _page(ColleagueInviteForm())


@bp.post("/colleagues/invite")
@controller_required
def invite_colleague():
    form = ColleagueInviteForm()
    if form.validate_on_submit():
        try:
            invitation = invitation_mail.invite_colleague(current_user, form.email.data, str(get_locale()))
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("An invitation was sent to %(email)s.", email=invitation.email), "success")
            return redirect(url_for("portal.colleagues"))
    return _page(form, 400)


def _act(do, done: str):
    """Validate the CSRF token, call the service, and go back to the list; another organisation's id is a 404."""
    if not InvitationActionForm().validate_on_submit():
        abort(400)
    try:
        invitation = do()
    except NotFound:
        abort(404)
    except DomainError as error:
        flash(str(error), "info")
    else:
        flash(done % {"email": invitation.email}, "success")
    return redirect(url_for("portal.colleagues"))


@bp.post("/colleagues/invitations/<int:invitation_id>/revoke")
@controller_required
def revoke_colleague_invitation(invitation_id: int):
    return _act(lambda: service.revoke(current_user, invitation_id), _("The invitation of %(email)s was revoked."))


@bp.post("/colleagues/invitations/<int:invitation_id>/resend")
@controller_required
def resend_colleague_invitation(invitation_id: int):
    return _act(
        lambda: invitation_mail.resend_to_colleague(current_user, invitation_id, str(get_locale())),
        _("The invitation of %(email)s was sent again, with a new link."),
    )
