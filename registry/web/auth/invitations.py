"""An invitation link: shows who invites to what. Without an account for the address, choosing a password accepts
it and logs in; with one, the invitee logs in with it and accepts with a button. A link that no longer works offers
to ask the inviter for a new one."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, refresh
from flask_babel import gettext as _
from flask_login import current_user, login_user

from registry.accounts import invitations, joining, users
from registry.exceptions import DomainError
from registry.extensions import limiter
from registry.mail import invitations as invitation_mail
from registry.web.auth import bp, sessions
from registry.web.auth.forms import AcceptInvitationForm, AskInvitationForm, JoinForm
from registry.web.forms import show_error


def _unusable(error: DomainError):
    """The 400 page of a link that cannot be accepted; with the button to ask for a new one when the link itself is
    good (used, revoked, expired, replaced), not when it is malformed."""
    ask = AskInvitationForm() if isinstance(error, invitations.Unusable) else None
    return render_template("auth/invitation_invalid.html", message=error.message, ask_form=ask), 400


@bp.route("/invitations/<signed>", methods=["GET", "POST"])
def invitation(signed: str):
    """The mailed link opens a page (a GET changes nothing: mail scanners follow links); its POST accepts.

    A link that cannot be accepted (malformed, used, revoked, expired) gets a 400 page saying which."""
    try:
        invited = invitations.open_invitation(signed)
        account = invitations.account_of(invited.email)
        if current_user.is_authenticated and current_user.email.lower() != invited.email:
            message = _(
                "This invitation is for %(invited)s; you are logged in as %(email)s. Log out and log in as "
                "%(invited)s to accept it.",
                invited=invited.email,
                email=current_user.email,
            )
            return _page("auth/invitation_other.html", invited, message=message)
        if account is not None:
            return _join(signed, invited, account)
        return _choose_password(signed, invited)
    except DomainError as error:
        return _unusable(error)


def _page(template: str, invited, **context):
    """A page about the invitation: 200 when shown, 400 when a POST could not accept."""
    status = 400 if request.method == "POST" else 200
    return render_template(template, invitation=invited, **context), status


def _join(signed: str, invited, account):
    """An address with an account: log in with it, then accept with a button."""
    if not account.active:
        raise DomainError(_("The account %(email)s is disabled; ask the site admin.", email=account.email))
    if not current_user.is_authenticated:
        return _page("auth/invitation_login.html", invited, login_url=url_for("auth.login", next=request.path))
    form = JoinForm()
    if form.validate_on_submit():
        user = joining.join(current_user._get_current_object(), signed)
        flash(_("You accepted the invitation."), "success")
        return redirect(url_for("portal.dashboard" if user.role == "controller" else "admin.home"))
    return _page("auth/invitation_join.html", invited, form=form)


def _choose_password(signed: str, invited):
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = joining.accept(signed, form.new_password.data, form.repeat_password.data)
        except DomainError as error:
            if not error.field:
                raise
            show_error(form, error)
        else:
            return _logged_in(user)
    return _page("auth/invitation.html", invited, form=form)


def _logged_in(user):
    """The invitee is logged in and lands on its side of the portal."""
    sessions.start(remember=False)
    login_user(user)
    users.record_login(user)
    refresh()  # the welcome in the account's own language
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
