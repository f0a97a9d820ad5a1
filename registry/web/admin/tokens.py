"""A processor's API tokens (/admin/processors/<slug>/tokens/): the list, a form to make one (its secret shown
once, on the answer to that POST, never again) and a button to revoke each."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry.accounts import api_tokens
from registry.exceptions import DomainError, NotFound
from registry.models import Processor
from registry.models.types import utcnow
from registry.web.admin import bp
from registry.web.admin.access import editor_of_processor
from registry.web.admin.token_forms import RevokeTokenForm, TokenForm
from registry.web.forms import show_error
from registry.web.links import absolute


def _page(processor: Processor, form: TokenForm, status: int = 200, secret: str | None = None):
    now = utcnow()
    tokens = [(t, api_tokens.state(t, now)) for t in api_tokens.tokens_of(current_user, processor)]
    return render_template(
        "admin/tokens.html",
        processor=processor,
        form=form,
        revoke_form=RevokeTokenForm(),
        tokens=tokens,
        secret=secret,
        api_url=absolute("api.announcement_list", slug=processor.slug),
    ), status


@bp.get("/processors/<slug>/tokens/")
@editor_of_processor
def tokens(processor: Processor):
    return _page(processor, TokenForm())


@bp.post("/processors/<slug>/tokens/")
@editor_of_processor
def create_token(processor: Processor):
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(processor, form, 400)
    try:
        _token, secret = api_tokens.create(
            current_user, processor, form.name.data, list(form.scopes.data or []), form.days.data
        )
    except DomainError as error:
        show_error(form, error)
        return _page(processor, form, 400)
    flash(_("The token was made. Copy it now: it is not shown again."), "success")
    return _page(processor, TokenForm(formdata=None), 200, secret)


@bp.post("/processors/<slug>/tokens/<int:token_id>/revoke")
@editor_of_processor
def revoke_token(processor: Processor, token_id: int):
    if not RevokeTokenForm().validate_on_submit():
        abort(400)
    try:
        token = api_tokens.revoke(current_user, processor, token_id)
    except NotFound:
        abort(404)
    except DomainError as error:
        flash(str(error), "info")
    else:
        flash(_("The token %(name)s was revoked.", name=token.name), "success")
    return redirect(url_for("admin.tokens", slug=processor.slug))
