"""Forms of the controller's side. The domain (services/) checks every value; the forms only carry them."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, RadioField, TextAreaField
from wtforms.validators import DataRequired, Length

from registry.cases import consents, objections
from registry.web.admin.forms import MultiCheckboxField, options
from registry.web.admin.objection_forms import MessageForm  # noqa: F401  (the same thread form on both sides)
from registry.web.forms import PlainTextForm


class AboutForm(PlainTextForm):
    """Says which announcement and contract it is about; the view checks them against the URL."""

    announcement_id = HiddenField()
    contract_id = HiddenField()

    def about(self, announcement_id: int, contract_id: int) -> None:
        if not self.is_submitted():
            self.announcement_id.data, self.contract_id.data = str(announcement_id), str(contract_id)

    def tampered(self, announcement_id: int, contract_id: int) -> bool:
        return (self.announcement_id.data, self.contract_id.data) != (str(announcement_id), str(contract_id))


class ObjectionForm(AboutForm):
    service_ids = MultiCheckboxField(_l("Services your objection concerns"), coerce=int, validate_choice=False)
    grounds = TextAreaField(
        _l("Your grounds"),
        description=_l(
            "Explain why you object to this change: the contract lets you object on reasonable grounds, so give "
            "the reasons in a few sentences."
        ),
        validators=[Length(max=objections.MAX_TEXT)],
        render_kw={"rows": 8},
    )

    def set_services(self, services) -> None:
        self.service_ids.choices = options((s.id, s.name) for s in services)


class ConsentForm(AboutForm):
    decision = RadioField(
        _l("Your decision"),
        choices=options(
            [("granted", _l("I grant consent to this change")), ("refused", _l("I refuse consent to this change"))]
        ),
        validate_choice=False,
    )
    note = TextAreaField(
        _l("Note"),
        description=_l(
            "Your reasons or conditions. Optional, unless your contract says "
            "consent may not be unreasonably withheld: then a refusal needs its "
            "reasons (see above)."
        ),
        validators=[Length(max=consents.MAX_TEXT)],
        render_kw={"rows": 5},
    )


class TerminationForm(PlainTextForm):
    confirm = BooleanField(_l("I give notice of termination of this contract"))


class ColleagueInviteForm(PlainTextForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(message=_l("Enter the e-mail address to invite.")), Length(max=254)],
        description=_l("Your colleague gets a link that works once, for a week, to join your organisation here."),
    )


class InvitationActionForm(PlainTextForm):
    """Only the CSRF token: revoking or re-sending an invitation is a POST to its own address."""


class CalendarActionForm(PlainTextForm):
    """Only the CSRF token: making, renewing or revoking the calendar address is a POST to its own address."""
