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
