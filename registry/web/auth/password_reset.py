"""A forgotten password: asking for a reset link (the same answer whether or not the address has an account) and
choosing a new password from it. After the reset the reader logs in with the new password (see reset_password)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from registry.accounts import users
from registry.exceptions import DomainError
from registry.extensions import limiter
from registry.mail import password_reset as service
from registry.web.auth import bp
from registry.web.auth.forms import ForgotPasswordForm, ResetPasswordForm
from registry.web.forms import show_error


def _address_key() -> str:
    """Rate-limit key for the address typed, whichever client asks; the same for an address with and without an
    account, so the limit reveals nothing either."""
    try:
        return "reset:" + users.normalise_email(request.form.get("email", ""))
    except DomainError:
        return "reset:invalid"


def _paused() -> str:
    return _("Too many requests for a new password in a short time. Wait a while, then try again.")


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"], methods=["POST"], error_message=_paused)
@limiter.limit(
    lambda: current_app.config["PASSWORD_RESET_ACCOUNT_RATE_LIMIT"],
    methods=["POST"],
    key_func=_address_key,
    error_message=_paused,
)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            service.request_reset(form.email.data, str(get_locale()))
        except DomainError as error:
            show_error(form, error)
        else:
            return render_template("auth/forgot_sent.html")
    status = 400 if form.is_submitted() else 200
    return render_template("auth/forgot.html", form=form), status


@bp.route("/password/reset/<signed>", methods=["GET", "POST"])
def reset_password(signed: str):
    """The mailed link opens a form (a GET changes nothing: mail scanners follow links); its POST sets the password.

    It then sends the reader to log in rather than logging in: whoever holds the mail cannot skip a step of
    logging in (a second factor, when accounts have one), and the reader tries the new password at once."""
    form = ResetPasswordForm()
    try:
        if form.validate_on_submit():
            try:
                service.reset_password(signed, form.new_password.data, form.repeat_password.data)
            except DomainError as error:
                if not error.field:
                    raise
                show_error(form, error)
            else:
                flash(
                    _("Your password was changed and every session of your account has ended. Log in with it."),
                    "success",
                )
                return redirect(url_for("auth.login"))
        else:
            service.resettable(signed)
    except DomainError as error:
        return render_template("auth/reset_invalid.html", message=error.message), 400
    status = 400 if form.is_submitted() else 200
    return render_template("auth/reset.html", form=form), status
