"""An invitation link: shows who invites to which processor; choosing a password accepts it and logs in."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_user

from registry.accounts import invitations
from registry.exceptions import DomainError
from registry.web.auth import bp, sessions
from registry.web.auth.forms import AcceptInvitationForm
from registry.web.forms import show_error


@bp.route("/invitations/<signed>", methods=["GET", "POST"])
def invitation(signed: str):
    """The mailed link opens a form (a GET changes nothing: mail scanners follow links); its POST accepts.

    A link that cannot be accepted (malformed, used, revoked, expired) gets a 400 page saying which."""
    form = AcceptInvitationForm()
    try:
        invited = invitations.open_invitation(signed)
        if form.validate_on_submit():
            try:
                user = invitations.accept(signed, form.new_password.data, form.repeat_password.data)
            except DomainError as error:
                if not error.field:
                    raise
                show_error(form, error)
            else:
                sessions.start(remember=False)
                login_user(user)
                flash(_("Welcome: you are an editor of %(name)s and logged in.", name=user.processor.name), "success")
                return redirect(url_for("admin.home"))
    except DomainError as error:
        return render_template("auth/invitation_invalid.html", message=error.message), 400
    status = 400 if form.is_submitted() else 200
    return render_template("auth/invitation.html", form=form, invitation=invited), status
