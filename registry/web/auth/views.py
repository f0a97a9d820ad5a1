"""Logging in and out."""

from __future__ import annotations

import logging
import math
import time
from urllib.parse import urlsplit

from flask import current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext, refresh
from flask_limiter import RequestLimit
from flask_login import current_user, login_required, login_user

from registry.accounts import two_factor, users
from registry.exceptions import DomainError
from registry.extensions import limiter
from registry.web.auth import bp, sessions
from registry.web.auth.forms import LoginForm, LogoutForm, PasswordForm
from registry.web.forms import show_error

log = logging.getLogger(__name__)


def safe_next(target: str | None) -> str | None:
    """A path on this site to return to after login, or None for anything else."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    return target


def home_for(user) -> str:
    if user.role in ("editor", "admin"):
        return url_for("admin.home")
    return url_for("portal.dashboard")


def _account_key() -> str:
    """Rate-limit key for the account typed, whichever client address asks (so that rotating addresses does
    not help); the same for an address with and without an account."""
    try:
        return "account:" + users.normalise_email(request.form.get("email", ""))
    except DomainError:
        return "account:invalid"


def address_paused() -> str:
    return _("Too many log-in attempts from your address in a short time. Wait a few minutes, then try again.")


def _account_paused(limit: RequestLimit):
    """The log-in form again, with what was typed and how long logging in with this address is paused."""
    minutes = max(1, math.ceil((limit.window[0] - time.time()) / 60))  # window[0]: when the window closes
    log.warning("log-in paused for an e-mail address after failed attempts (last from %s)", request.remote_addr)
    form = LoginForm()
    form.form_errors.append(
        ngettext(
            "Too many failed attempts to log in with this e-mail address. Logging in with it is paused for "
            "%(num)s more minute.",
            "Too many failed attempts to log in with this e-mail address. Logging in with it is paused for "
            "%(num)s more minutes.",
            minutes,
        )
    )
    next_url = safe_next(request.args.get("next"))
    return make_response(render_template("auth/login.html", form=form, next_url=next_url), 429)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], error_message=address_paused)
@limiter.limit(
    lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"],
    methods=["POST"],
    key_func=_account_key,
    deduct_when=lambda response: response.status_code == 401,
    on_breach=_account_paused,
)
def login():
    form = LoginForm()
    next_url = safe_next(request.args.get("next"))
    if form.validate_on_submit():
        user = users.authenticate(form.email.data, form.password.data)
        if user is not None and user.has_two_factor:
            sessions.begin_pending(user, form.remember.data, next_url)
            return redirect(url_for("auth.login_second_factor"))
        if user is not None:
            sessions.start(remember=form.remember.data)
            login_user(user)
            users.record_login(user)
            refresh()  # the flash below in the account's own language, as the page after it will be
            if two_factor.must_set_up(user, current_app.config["REQUIRE_2FA"]):
                flash(_("You are logged in. Your account must use two-factor sign-in: set it up now."), "info")
                return redirect(url_for("auth.two_factor_setup"))
            flash(_("You are logged in."), "success")
            return redirect(next_url or home_for(user))
        log.warning("failed login from %s", request.remote_addr)
        form.password.errors.append(_("Wrong e-mail address or password."))
    status = 200 if request.method == "GET" or form.errors == {} else 400
    if form.password.errors and request.method == "POST":
        status = 401 if form.email.data and form.password.data else 400
    return render_template("auth/login.html", form=form, next_url=next_url), status


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    form = LogoutForm()
    if request.method == "POST" and form.validate_on_submit() and current_user.is_authenticated:
        users.end_sessions(current_user._get_current_object())
        sessions.end()
        flash(_("You are logged out (on every device)."), "success")
        return redirect(url_for("public.index"))
    if not current_user.is_authenticated:
        return redirect(url_for("public.index"))
    return render_template("auth/logout.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            users.change_password(user, form.current_password.data, form.new_password.data, form.repeat_password.data)
        except DomainError as error:
            show_error(form, error)
        else:
            login_user(user)  # this session goes on under the new token; every other one has ended
            flash(_("Your password was changed. Other sessions of your account have ended."), "success")
            return redirect(url_for("auth.change_password"))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/password.html", form=form), status
