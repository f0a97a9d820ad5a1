"""Subscription forms."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, RadioField
from wtforms.validators import DataRequired, Email, Length

from registry.models import LANGUAGES
from registry.web.admin.forms import MultiCheckboxField, options
from registry.web.forms import PlainTextForm


class ScopeForm(PlainTextForm):
    language = RadioField(_l("Language of the mails"), choices=options(LANGUAGES.items()), default="en")
    service_ids = MultiCheckboxField(_l("Only these services (none chosen: all services)"), coerce=int)

    def set_services(self, services) -> None:
        self.service_ids.choices = options((s.id, s.name) for s in services)


class SubscribeForm(ScopeForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(message=_l("Enter your e-mail address.")),
            Length(max=254),
            Email(message=_l("Not a valid e-mail address."), check_deliverability=False),
        ],
    )
