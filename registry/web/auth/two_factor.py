"""The account's two-factor sign-in at /account/2fa: its state, setting it up (QR code, the secret as text, a code to
confirm), turning it off and new recovery codes (each with the password and a code)."""

from __future__ import annotations

import segno
from flask import current_app, flash, make_response, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from registry.accounts import two_factor
from registry.exceptions import DomainError
from registry.web.auth import bp
from registry.web.auth.forms import TwoFactorChangeForm, TwoFactorSetupForm
from registry.web.forms import show_error

# The secret being set up, sealed, kept in the session until a code of it is confirmed (nothing is stored before).
SETUP = "two_factor_setup"


def _qr_code(uri: str) -> Markup:
    """The otpauth link as an inline SVG QR code (no script, no style: the CSP allows it)."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, light="#fff", title=_("QR code for your authenticator app"))
    # segno's own markup (the URI is drawn as modules, never written out); an image named by its <title>.
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))


def _shown_once(codes: list[str], status: int = 200):
    """The recovery codes, in a page no cache keeps."""
    response = make_response(render_template("auth/recovery_codes.html", codes=codes), status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _status_page(disable_form=None, regenerate_form=None, status: int = 200):
    user = current_user._get_current_object()
    return render_template(
        "auth/two_factor.html",
        user=user,
        required=current_app.config["REQUIRE_2FA"] and user.role in ("admin", "editor"),
        left=two_factor.recovery_codes_left(user) if user.has_two_factor else 0,
        disable_form=disable_form or TwoFactorChangeForm(prefix="disable", formdata=None),
        regenerate_form=regenerate_form or TwoFactorChangeForm(prefix="regenerate", formdata=None),
    ), status


@bp.route("/account/2fa")
@login_required
def two_factor_status():
    return _status_page()


@bp.route("/account/2fa/setup", methods=["GET", "POST"])
@login_required
def two_factor_setup():
    user = current_user._get_current_object()
    if user.has_two_factor:
        flash(_("Two-factor sign-in is on already."), "info")
        return redirect(url_for("auth.two_factor_status"))
    secret = two_factor.unseal(session.get(SETUP))
    if secret is None:
        secret = two_factor.new_secret()
        session[SETUP] = two_factor.seal(secret)
    form = TwoFactorSetupForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.enable(user, session[SETUP], form.code.data)
        except DomainError as error:
            show_error(form, error)
        else:
            session.pop(SETUP, None)
            flash(_("Two-factor sign-in is on. From now on you log in with your password and a code."), "success")
            return _shown_once(codes)
    uri = two_factor.provisioning_uri(user.email, secret)
    page = render_template(
        "auth/two_factor_setup.html",
        form=form,
        qr_code=_qr_code(uri),
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        required=two_factor.must_set_up(user, current_app.config["REQUIRE_2FA"]),
    )
    response = make_response(page, 400 if form.is_submitted() else 200)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/2fa/disable", methods=["POST"])
@login_required
def two_factor_disable():
    form = TwoFactorChangeForm(prefix="disable")
    if form.validate_on_submit():
        try:
            two_factor.disable(current_user._get_current_object(), form.password.data, form.code.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Two-factor sign-in is off. You log in with your password alone."), "success")
            return redirect(url_for("auth.two_factor_status"))
    return _status_page(disable_form=form, status=400)


@bp.route("/account/2fa/recovery-codes", methods=["POST"])
@login_required
def two_factor_recovery_codes():
    form = TwoFactorChangeForm(prefix="regenerate")
    if form.validate_on_submit():
        try:
            codes = two_factor.regenerate_recovery_codes(
                current_user._get_current_object(), form.password.data, form.code.data
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("New recovery codes were made; the old ones no longer work."), "success")
            return _shown_once(codes)
    return _status_page(regenerate_form=form, status=400)
