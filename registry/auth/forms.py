"""Log-in form."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = EmailField("E-mail address", validators=[DataRequired(message="Enter your e-mail address."),
                                                     Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(message="Enter your password."),
                                                     Length(max=200)])
    remember = BooleanField("Keep me logged in on this device")


class LogoutForm(FlaskForm):
    """Only the CSRF token: logging out is a POST."""


class PasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[Length(max=200)])
    new_password = PasswordField("New password", description="At least 10 characters.",
                                 validators=[Length(max=200)])
    repeat_password = PasswordField("New password again", validators=[Length(max=200)])
