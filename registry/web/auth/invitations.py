"""An invitation link: shows who invites to which processor; choosing a password accepts it and logs in. A link
that no longer works offers to ask the inviter for a new one."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_user

from registry.accounts import invitations, joining
from registry.exceptions import DomainError
from registry.extensions import limiter
from registry.mail import invitations as invitation_mail
from registry.web.auth import bp, sessions
from registry.web.auth.forms import AcceptInvitationForm, AskInvitationForm
from registry.web.forms import show_error


def _unusable(error: DomainError):
    """The 400 page of a link that cannot be accepted; with the button to ask for a new one when the link itself is
    good (used, revoked, expired, replaced), not when it is malformed."""
    ask = AskInvitationForm() if isinstance(error, invitations.Unusable) else None
    return render_template("auth/invitation_invalid.html", message=error.message, ask_form=ask), 400


@bp.route("/invitations/<signed>", methods=["GET", "POST"])
def invitation(signed: str):
    """The mailed link opens a form (a GET changes nothing: mail scanners follow links); its POST accepts.

    A link that cannot be accepted (malformed, used, revoked, expired) gets a 400 page saying which."""
    form = AcceptInvitationForm()
    try:
        invited = invitations.open_invitation(signed)
        if form.validate_on_submit():
            try:
                user = joining.accept(signed, form.new_password.data, form.repeat_password.data)
            except DomainError as error:
                if not error.field:
                    raise
                show_error(form, error)
            else:
                return _logged_in(user)
    except DomainError as error:
        return _unusable(error)
    status = 400 if form.is_submitted() else 200
    return render_template("auth/invitation.html", form=form, invitation=invited), status


def _logged_in(user):
    """The invitee is logged in and lands on its side of the portal."""
    sessions.start(remember=False)
    login_user(user)
    if user.role == "controller":
        flash(_("Welcome: you are a user of %(name)s and logged in.", name=user.organisation.name), "success")
        return redirect(url_for("portal.dashboard"))
    flash(_("Welcome: you are an editor of %(name)s and logged in.", name=user.processor.name), "success")
    return redirect(url_for("admin.home"))


def _paused() -> str:
    return _("Too many requests for a new invitation in a short time. Wait a while, then try again.")


@bp.post("/invitations/<signed>/ask")
@limiter.limit(lambda: current_app.config["INVITATION_REQUEST_RATE_LIMIT"], error_message=_paused)
def ask_invitation(signed: str):
    """Ask the inviter for a new invitation, from the page of a link that no longer works."""
    if not AskInvitationForm().validate_on_submit():
        abort(400)
    try:
        invitation = invitation_mail.ask_again(signed, str(get_locale()))
    except DomainError as error:
        return render_template("auth/invitation_invalid.html", message=error.message, ask_form=None), 400
    return render_template("auth/invitation_asked.html", inviter=invitation.invited_by.email)
