"""Logging in and out."""
from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import limiter
from ..services import DomainError, accounts
from .forms import LoginForm, LogoutForm, PasswordForm

bp = Blueprint("auth", __name__)
log = logging.getLogger(__name__)


def safe_next(target: str | None) -> str | None:
    """A path on this site to return to after login, or None for anything else."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    return target


def _home_for(user) -> str:
    if user.role in ("editor", "admin"):
        return url_for("admin.home")
    return url_for("portal.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    form = LoginForm()
    next_url = safe_next(request.args.get("next"))
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            flash(_("You are logged in."), "success")
            return redirect(next_url or _home_for(user))
        log.warning("failed login from %s", request.remote_addr)
        form.password.errors.append(_("Wrong e-mail address or password."))
    status = 200 if request.method == "GET" or form.errors == {} else 400
    if form.password.errors and request.method == "POST":
        status = 401 if form.email.data and form.password.data else 400
    return render_template("auth/login.html", form=form, next_url=next_url), status


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    form = LogoutForm()
    if request.method == "POST" and form.validate_on_submit():
        accounts.end_sessions(current_user._get_current_object())
        logout_user()
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
            accounts.change_password(user, form.current_password.data, form.new_password.data,
                                     form.repeat_password.data)
        except DomainError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            login_user(user)  # this session goes on under the new token; every other one has ended
            flash(_("Your password was changed. Other sessions of your account have ended."), "success")
            return redirect(url_for("auth.change_password"))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/password.html", form=form), status
