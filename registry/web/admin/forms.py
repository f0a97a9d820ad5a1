"""Forms of the processor's side: services, contract terms, customer contracts."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from registry.law.transfers import basis_names, former_bases
from registry.models.mail import LANGUAGES
from registry.models.processor import AUTHORISATIONS, OBJECTION_ROUTES, TRANSFER_RULES
from registry.web.forms import PlainTextForm


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def options(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def labelled_options(labels: dict) -> list[SelectChoice]:
    """Select options from a domain dictionary whose labels are Texts: shown in the page's language."""
    return [SelectChoice(value, label) for value, label in labels.items()]


def lines(text: str | None) -> list[str]:
    """One list item per non-empty line of a text area."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ServiceForm(PlainTextForm):
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Give the service a name.")), Length(max=200)])
    key = StringField(
        _l("Key in URLs"),
        validators=[Optional(), Length(max=64)],
        description=_l("Lower-case letters, digits and hyphens; made from the name when left empty."),
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000)])
    data_categories = TextAreaField(
        _l("Categories of personal data"), description=_l("One per line."), validators=[Length(max=8000)]
    )
    data_subjects = TextAreaField(
        _l("Categories of data subjects"), description=_l("One per line."), validators=[Length(max=4000)]
    )
    purposes = TextAreaField(_l("Purposes"), description=_l("One per line."), validators=[Length(max=8000)])
    retention = TextAreaField(_l("Retention"), validators=[Optional(), Length(max=2000)])
    source = StringField(
        _l("Source in the contract"),
        validators=[Optional(), Length(max=200)],
        description=_l("The annex or article this service comes from, e.g. 'Bijlage A'."),
    )

    def values(self) -> dict:
        return {
            "name": self.name.data.strip(),
            "key": (self.key.data or "").strip(),
            "description": self.description.data or None,
            "data_categories": lines(self.data_categories.data),
            "data_subjects": lines(self.data_subjects.data),
            "purposes": lines(self.purposes.data),
            "retention": self.retention.data or None,
            "source": self.source.data or None,
        }


ARTICLE = {"validators": [Optional(), Length(max=40)], "description": _l("e.g. 4.1")}


CONTRACT_TEXT = _l("What the contract says")


def contract_text(label=CONTRACT_TEXT) -> TextAreaField:
    """The contract's own words behind a term, kept with its article: in Dutch, and marked so on any page."""
    return TextAreaField(label, validators=[Length(max=4000)], render_kw={"lang": "nl"})


class TermsForm(PlainTextForm):
    version = StringField(_l("Version"), validators=[DataRequired(message=_l("Name this version.")), Length(max=60)])
    effective_from = DateField(
        _l("In force from"), validators=[InputRequired(message=_l("Give the date (YYYY-MM-DD)."))]
    )
    authorisation = SelectField(_l("Authorisation"), choices=labelled_options(AUTHORISATIONS))
    authorisation_article = StringField(_l("Article"), **ARTICLE)
    authorisation_text = contract_text()
    notice_days = IntegerField(
        _l("Notice period (days)"),
        validators=[
            InputRequired(message=_l("Give the notice period in days.")),
            NumberRange(min=1, max=365, message=_l("Between 1 and 365 days.")),
        ],
    )
    notice_source = SelectField(
        _l("Where the notice period comes from"),
        choices=options(
            [
                ("policy", _l("The processor's own policy (the contract sets no number of days)")),
                ("contract", _l("The contract (give the article)")),
            ]
        ),
        default="policy",
        validate_choice=False,
    )
    notice_article = StringField(_l("Article"), **ARTICLE)
    notice_text = contract_text()
    objection_route = SelectField(_l("Objection route"), choices=labelled_options(OBJECTION_ROUTES))
    objection_article = StringField(_l("Article"), **ARTICLE)
    objection_text = contract_text()
    objection_days = IntegerField(
        _l("Period to object (days), only where the contract states one"),
        validators=[Optional(), NumberRange(min=1, max=365, message=_l("Between 1 and 365 days."))],
        description=_l("Leave empty when the contract sets no period: objections are then accepted at any time."),
    )
    objection_period_article = StringField(_l("Article of the period to object"), **ARTICLE)
    consent_reasonable = BooleanField(_l("The contract says consent may not be unreasonably withheld"))
    consent_reasonable_article = StringField(_l("Article"), **ARTICLE)
    termination_allowed = BooleanField(_l("The controller may terminate when no agreement is reached"))
    termination_months = IntegerField(
        _l("Termination period (months)"),
        validators=[Optional(), NumberRange(min=1, max=36, message=_l("Between 1 and 36 months."))],
    )
    termination_article = StringField(_l("Article"), **ARTICLE)
    termination_text = contract_text()
    transfer_rule = SelectField(_l("Transfers outside the EEA"), choices=labelled_options(TRANSFER_RULES))
    transfer_article = StringField(_l("Article"), **ARTICLE)
    transfer_text = contract_text()
    named_transfer_bases = MultiCheckboxField(_l("Transfer bases the contract names"))
    list_article = StringField(_l("Article on the sub-processor list"), **ARTICLE)
    list_text = contract_text(_l("What the contract says about the list"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # What the contract names is recorded as it stands, including former
        # bases such as the Privacy Shield; `registry check` points those out.
        former = [(code, _l("%(name)s (no longer valid)", name=_l(name))) for code, name in former_bases().items()]
        self.named_transfer_bases.choices = options([(c, _l(name)) for c, name in basis_names().items()] + former)

    def values(self) -> dict:
        data = {name: field.data for name, field in self._fields.items() if name != "csrf_token"}
        for name, value in data.items():
            if isinstance(value, str):
                data[name] = value.strip() or None
        data["version"] = data["version"] or ""
        return data


class ContractForm(PlainTextForm):
    """A contract as it can be edited: its organisation stays the one it was made for."""

    reference = StringField(
        _l("Contract reference"), validators=[DataRequired(message=_l("Give the contract reference.")), Length(max=200)]
    )
    start_date = DateField(
        _l("Start date"), validators=[InputRequired(message=_l("Give the start date (YYYY-MM-DD)."))]
    )
    # Choices are checked by the service, which says what to choose instead of "Not a valid choice".
    terms_id = SelectField(_l("Contract-terms version"), coerce=int, validate_choice=False)
    service_ids = MultiCheckboxField(_l("Services taken"), coerce=int, validate_choice=False)
    notice_email = EmailField(
        _l("Notice e-mail address"),
        validators=[
            DataRequired(message=_l("Give the address where notices of changes go.")),
            Length(max=254),
            Email(message=_l("Not a valid e-mail address."), check_deliverability=False),
        ],
    )
    notice_language = SelectField(_l("Language of the notices"), choices=options(LANGUAGES.items()), default="nl")

    def validate_service_ids(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one service the controller takes."))

    def values(self) -> dict:
        return {
            "reference": self.reference.data.strip(),
            "start_date": self.start_date.data,
            "terms_id": self.terms_id.data,
            "service_ids": self.service_ids.data or [],
            "notice_email": self.notice_email.data,
            "notice_language": self.notice_language.data,
        }


class NewContractForm(ContractForm):
    """A new contract: for one of the processor's customers, or for a new organisation named here."""

    organisation_id = SelectField(
        _l("Controller organisation"),
        coerce=int,
        validate_choice=False,
        description=_l("Your customers: the organisations that have a contract with you."),
    )
    organisation_name = StringField(
        _l("…or a new organisation"),
        validators=[Length(max=200)],
        description=_l("Type a name here to add an organisation that is not in the list."),
    )

    def validate_organisation_name(self, field):
        if not self.organisation_id.data and not (field.data or "").strip():
            raise ValidationError(_l("Choose the controller organisation or type the name of a new one."))

    def values(self) -> dict:
        return {
            **super().values(),
            "organisation_id": self.organisation_id.data or None,
            "organisation_name": (self.organisation_name.data or "").strip() or None,
        }
