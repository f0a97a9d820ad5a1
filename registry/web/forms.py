"""The base of every form: each field a person fills in gets the plain-text rule (plain_text.py) first; a domain
refusal is shown on the field it names."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import Form
from wtforms.csrf.core import CSRFTokenField
from wtforms.fields import BooleanField, FieldList, FormField, HiddenField, TextAreaField
from wtforms.validators import StopValidation

from registry.exceptions import DomainError
from registry.text.plain import forbidden_character


class PlainText:
    """Refuse a value with a control character (tab and line breaks allowed in multi-line text) or, in one line,
    a line break or an invisible direction control; the message says which character and where, and the form
    shows the value again as it was sent."""

    def __init__(self, multi_line: bool = False):
        self.multi_line = multi_line

    def __call__(self, form, field) -> None:
        if field.process_errors:  # it could not be read at all (a choice that is not a number): that says enough
            return
        for value in field.raw_data or ():
            found = forbidden_character(value, self.multi_line) if isinstance(value, str) else None
            if found is not None:
                raise StopValidation(self.message(found))

    @staticmethod
    def message(found) -> str:
        where = {"code": found.code, "position": found.position}
        if found.kind == "line break":
            return _("Remove the line break (%(code)s) at position %(position)s: this field takes one line.", **where)
        if found.kind == "direction":
            return _(
                "Remove the invisible text-direction character %(code)s at position %(position)s: it makes the "
                "text read differently from what it is.",
                **where,
            )
        return _(
            "Remove the invisible control character %(code)s at position %(position)s: only plain text can be kept.",
            **where,
        )


def plain_text_rule(field) -> PlainText | None:
    """The rule for a bound field: every value a person sends, text or choice or number. Not boxes (any value
    means "ticked"), containers (their fields have their own rule), nor hidden fields: they hold what the site put
    there, and the views compare them with the URL (portal/forms.py, AboutForm.tampered) without storing them."""
    if isinstance(field, (BooleanField, CSRFTokenField, FieldList, FormField, HiddenField)):
        return None
    return PlainText(multi_line=isinstance(field, TextAreaField))


class PlainTextMeta:
    """Form meta that puts the plain-text rule before a field's own validators (before Optional, which would stop
    at a value of only separator characters such as U+001F)."""

    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        rule = plain_text_rule(field)
        if rule is not None:
            field.validators = [rule, *field.validators]
        return field


class PlainTextForm(FlaskForm):
    """A form of the site (CSRF from Flask-WTF) whose text fields take plain text only."""

    class Meta(PlainTextMeta):
        """wtforms merges this with Flask-WTF's Meta (CSRF), so both apply."""


class PlainTextSubform(Form):
    """A form inside a form (FormField, FieldList), under the same rule."""

    class Meta(PlainTextMeta):
        """The plain-text rule of PlainTextMeta, without CSRF (the enclosing form carries the token)."""


def show_error(form: Form, error: DomainError) -> None:
    """Show the domain's refusal on the field it names (above the form when it names none or one the form lacks),
    next to what was typed, which the form keeps."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error.message)]
    else:
        form.form_errors.append(str(error.message))
