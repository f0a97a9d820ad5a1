"""Forms of the site admin's onboarding: a new processor, and an account disabled or enabled again."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from registry.models.mail import LANGUAGES
from registry.subprocessors.onboarding import REGISTRATION_LENGTH
from registry.web.admin.forms import options
from registry.web.forms import PlainTextForm


class ProfileForm(PlainTextForm):
    """A processor's identity, as its editors keep it (its slug stays: its addresses are linked and subscribed)."""

    name = StringField(
        _l("Name"),
        validators=[DataRequired(message=_l("Give the processor's name.")), Length(max=200)],
        description=_l("The name the processor is known by, as its customers see it."),
    )
    legal_name = StringField(
        _l("Legal name"),
        validators=[DataRequired(message=_l("Give the legal name as registered.")), Length(max=200)],
        description=_l("As in the trade register, e.g. 'Voorbeeld B.V.'."),
    )
    kvk_number = StringField(
        _l("KvK number or registration number"),
        validators=[
            DataRequired(message=_l("Give the KvK number or, outside the Netherlands, the registration number.")),
            Length(max=40),
        ],
        description=_l(
            "A Dutch KvK number has 8 digits (Kamer van Koophandel). A registration outside the Netherlands is kept "
            "as typed, with its register or country, e.g. 'HRB 12345' (at most %(count)s characters).",
            count=REGISTRATION_LENGTH,
        ),
    )
    address = TextAreaField(
        _l("Address"),
        validators=[DataRequired(message=_l("Give the processor's address.")), Length(max=300)],
        description=_l("Street, postcode and place; the lines are joined with spaces."),
    )

    data_language = SelectField(
        _l("Language of its lists"),
        choices=options(LANGUAGES.items()),
        default="nl",
        description=_l(
            "The language its annexes are written in (purposes, descriptions, personal data): on pages in the "
            "other language those words are marked with it."
        ),
    )

    def values(self) -> dict:
        return {name: (field.data or "").strip() for name, field in self._fields.items() if name != "csrf_token"}


class ProcessorForm(ProfileForm):
    slug = StringField(
        _l("Slug (in the addresses of its pages)"),
        validators=[Optional(), Length(max=64)],
        description=_l(
            "Lower-case letters a-z, digits and hyphens, e.g. /processors/voorbeeld/; made from the name when "
            "left empty."
        ),
    )

    first_editor = EmailField(
        _l("E-mail address of its first editor (optional)"),
        validators=[Optional(), Length(max=254)],
        description=_l(
            "Invited in the same step: a link that works once, for a week, to choose a password. You can also invite "
            "editors later, on the processor's accounts page."
        ),
    )

    def values(self) -> dict:
        skip = ("csrf_token", "first_editor")
        return {name: (field.data or "").strip() for name, field in self._fields.items() if name not in skip}


class AccountStateForm(PlainTextForm):
    """Only the CSRF token: disabling and enabling an account are POSTs to their own addresses."""


class InviteForm(PlainTextForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(message=_l("Enter the e-mail address to invite.")), Length(max=254)],
        description=_l("The invitee gets a link that works once, for a week, to choose a password."),
    )


class RevokeInvitationForm(PlainTextForm):
    """Only the CSRF token: revoking an invitation is a POST to its own address."""


class FaceForm(PlainTextForm):
    """A processor's own face: its accent colour and its logo (both optional)."""

    accent_colour = StringField(
        _l("Accent colour"),
        validators=[Length(max=20)],
        description=_l(
            "As #rrggbb, e.g. #0b5394, for the bar at the top of its pages and mails, with white text on it: the "
            "contrast must be at least 4.5:1 (WCAG 2.1). Empty: the registry's own colour."
        ),
        render_kw={"placeholder": "#0b5394", "autocomplete": "off"},
    )
    logo = FileField(
        _l("Logo (PNG or JPEG, at most 200 KB)"),
        description=_l("Shown beside its name on its pages and in its mails. Leave empty to keep the current one."),
    )


class RemoveLogoForm(PlainTextForm):
    """Only the CSRF token: removing the logo is a POST to its own address."""
