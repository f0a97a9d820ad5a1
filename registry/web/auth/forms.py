"""Log-in form."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from registry.web.forms import PlainTextForm


class LoginForm(PlainTextForm):
    email = EmailField(
        _l("E-mail address"), validators=[DataRequired(message=_l("Enter your e-mail address.")), Length(max=254)]
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(message=_l("Enter your password.")), Length(max=200)]
    )
    remember = BooleanField(_l("Keep me logged in on this device"))


class LogoutForm(PlainTextForm):
    """Only the CSRF token: logging out is a POST."""


class PasswordForm(PlainTextForm):
    current_password = PasswordField(_l("Current password"), validators=[Length(max=200)])
    new_password = PasswordField(
        _l("New password"),
        validators=[Length(max=200)],
        description=_l(
            "At least 12 characters, and hard to guess: not a common password, a name or a keyboard pattern."
        ),
    )
    repeat_password = PasswordField(_l("New password again"), validators=[Length(max=200)])


class ForgotPasswordForm(PlainTextForm):
    email = EmailField(
        _l("E-mail address"), validators=[DataRequired(message=_l("Enter your e-mail address.")), Length(max=254)]
    )


class ResetPasswordForm(PlainTextForm):
    new_password = PasswordField(
        _l("New password"),
        validators=[Length(max=200)],
        description=_l(
            "At least 12 characters, and hard to guess: not a common password, a name or a keyboard pattern."
        ),
    )
    repeat_password = PasswordField(_l("New password again"), validators=[Length(max=200)])


class AcceptInvitationForm(ResetPasswordForm):
    """The invitee's password, chosen from the invitation link (the same rule as a new password)."""


def _code_field(label):
    return StringField(
        label,
        validators=[DataRequired(message=_l("Enter the code.")), Length(max=40)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "off"},
    )


class TwoFactorSetupForm(PlainTextForm):
    code = _code_field(_l("Code from your authenticator app"))


class SecondFactorForm(PlainTextForm):
    """The second step of logging in."""

    code = _code_field(_l("Code from your authenticator app, or a recovery code"))


class TwoFactorChangeForm(PlainTextForm):
    """Turning 2FA off, or new recovery codes: the password and a code say it is the account's holder."""

    password = PasswordField(
        _l("Password"), validators=[DataRequired(message=_l("Enter your password.")), Length(max=200)]
    )
    code = _code_field(_l("Code from your authenticator app, or a recovery code"))


class AskInvitationForm(PlainTextForm):
    """Only the CSRF token: asking the inviter for a new invitation is a POST from the page of a dead link."""


class JoinForm(PlainTextForm):
    """Only the CSRF token: the logged-in account accepts an invitation to its address with a button."""
