"""The second step of logging in (/login/2fa): after the password, a code of the authenticator app or a recovery
code, within five minutes; and, when REQUIRE_2FA is on, site admins and editors without 2FA sent to set it up."""

from __future__ import annotations

import logging
import math
import time

from flask import current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext, refresh
from flask_limiter import RequestLimit
from flask_login import current_user, login_user

from registry.accounts import two_factor
from registry.exceptions import DomainError
from registry.extensions import limiter
from registry.web.auth import bp, sessions
from registry.web.auth.forms import SecondFactorForm
from registry.web.auth.views import address_paused, home_for
from registry.web.cookieless import is_cookieless
from registry.web.forms import show_error

log = logging.getLogger(__name__)

# What an account that must set up 2FA may still reach: logging out, the style sheet, the language, the set-up.
OPEN_DURING_SETUP = {"auth.logout", "static", "i18n.switch", "auth.two_factor_setup"}


def require_setup():
    """Before each request: a site admin or editor without 2FA, where it is required, goes to set it up first."""
    if not current_app.config.get("REQUIRE_2FA") or request.endpoint in OPEN_DURING_SETUP or not request.endpoint:
        return None
    if is_cookieless():
        return None
    if current_user.is_authenticated and two_factor.must_set_up(current_user, True):
        return redirect(url_for("auth.two_factor_setup"))
    return None


def _pending_key() -> str:
    """Rate-limit key for the account whose code is typed, whichever client address sends it."""
    marker = sessions.pending()
    return f"second-factor:{marker['id']}" if isinstance(marker, dict) else "second-factor:none"


def _account_paused(limit: RequestLimit):
    minutes = max(1, math.ceil((limit.window[0] - time.time()) / 60))
    log.warning("second log-in step paused for an account after wrong codes (last from %s)", request.remote_addr)
    form = SecondFactorForm()
    form.form_errors.append(
        ngettext(
            "Too many wrong codes for this account. Entering a code is paused for %(num)s more minute.",
            "Too many wrong codes for this account. Entering a code is paused for %(num)s more minutes.",
            minutes,
        )
    )
    return make_response(render_template("auth/second_factor.html", form=form), 429)


def _start_again(message: str):
    session.pop(sessions.PENDING, None)
    flash(message, "info")
    return redirect(url_for("auth.login"))


@bp.route("/login/2fa", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], error_message=address_paused)
@limiter.limit(
    lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"],
    methods=["POST"],
    key_func=_pending_key,
    deduct_when=lambda response: response.status_code == 401,
    on_breach=_account_paused,
)
def login_second_factor():
    marker = sessions.pending()
    if marker is None:
        return redirect(url_for("auth.login"))
    if marker == "expired":
        return _start_again(_("The code was not entered within 5 minutes of the password. Log in again."))
    form = SecondFactorForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = two_factor.complete_login(marker["id"], marker["token"], form.code.data)
        except DomainError as error:
            if not error.field:
                return _start_again(str(error.message))
            log.warning("wrong second-factor code from %s", request.remote_addr)
            show_error(form, error)
            status = 401
        else:
            sessions.start(remember=marker["remember"])
            login_user(user)
            refresh()  # the flash in the account's own language, as the page after it will be
            flash(_("You are logged in."), "success")
            return redirect(marker["next"] or home_for(user))
    elif form.is_submitted():
        status = 400
    return render_template("auth/second_factor.html", form=form), status
