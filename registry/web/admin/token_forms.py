"""The forms of a processor's API tokens page: make a token, revoke one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from registry.accounts.api_tokens import DEFAULT_DAYS, MAX_DAYS, MAX_NAME
from registry.web.admin.forms import MultiCheckboxField, options
from registry.web.forms import PlainTextForm

SCOPE_LABELS = (
    ("read", _l("read: list and preview announcements")),
    ("draft", _l("draft: create draft announcements")),
    ("publish", _l("publish: publish drafts")),
)


class TokenForm(PlainTextForm):
    name = StringField(
        _l("Name"),
        validators=[InputRequired(), Length(max=MAX_NAME)],
        description=_l("What the token is for, e.g. the CI job that publishes your list."),
    )
    scopes = MultiCheckboxField(_l("Scopes"), choices=options(SCOPE_LABELS))
    days = IntegerField(
        _l("Expires after (days)"),
        default=DEFAULT_DAYS,
        validators=[InputRequired(), NumberRange(min=1, max=MAX_DAYS)],
    )


class RevokeTokenForm(PlainTextForm):
    """Only the CSRF token: revoking a token is a POST to its own address."""
