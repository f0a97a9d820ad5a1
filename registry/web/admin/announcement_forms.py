"""The announcement form: what changes, for which services, where, when and why."""

import pycountry
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, FieldList, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from registry.law.transfers import basis_names, country_name
from registry.models import KINDS
from registry.web.admin.forms import MultiCheckboxField, labelled_options, options
from registry.web.forms import PlainTextForm, PlainTextSubform
from registry.web.i18n import current_language

WORLDWIDE = "WORLD"
_BRINGS_IN = (
    "entity_id",
    "new_name",
    "new_legal_name",
    "new_established_in",
    "new_description",
    "new_dpa_in_place",
    "purpose",
    "locations",
)
# The fields each kind of change has (besides the services and the when and why, which every kind has): the form
# shows only these, and what a browser sends for the others is left out, as if they had not been there.
FIELDS_OF_KIND = {
    "add": ("parent_id", *_BRINGS_IN),
    "replace": ("parent_id", "target_id", *_BRINGS_IN),
    "remove": ("parent_id", "target_id"),
    "change_locations": ("target_id", "locations"),
}
EMPTY = {
    "parent_id": None,
    "target_id": None,
    "entity_id": None,
    "new_name": "",
    "new_legal_name": "",
    "new_established_in": None,
    "new_description": "",
    "new_dpa_in_place": None,
    "purpose": "",
    "locations": [],
}


def kinds_of(field: str) -> str:
    """The kinds a field belongs to, space-separated (the page's data-kinds)."""
    return " ".join(kind for kind, names in FIELDS_OF_KIND.items() if field in names)


def country_options(first_label: str) -> list:
    language = current_language()
    countries = sorted(
        ((c.alpha_2, country_name(c.alpha_2, language)) for c in pycountry.countries),
        key=lambda pair: pair[1].casefold(),
    )
    return options([("", first_label), (WORLDWIDE, _l("Worldwide (no single country)"))] + countries)


class LocationForm(PlainTextSubform):
    """One processing location; a row without a country is ignored."""

    # The choices are checked by the domain (services/announcements.py), which
    # says why a country or basis is refused; an omitted row is simply empty.
    country = SelectField(_l("Country"), validate_choice=False)
    place = StringField(_l("Region, city or data centre"), validators=[Optional(), Length(max=200)])
    role = SelectField(
        _l("Role"),
        choices=options([("processing", _l("Processing")), ("back-up", _l("Back-up"))]),
        validate_choice=False,
    )
    transfer_basis = SelectField(_l("Transfer basis (outside the EEA)"), validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_options("—")
        self.transfer_basis.choices = options(
            [("", _l("— (inside the EEA)"))] + [(c, _l(name)) for c, name in basis_names().items()]
        )


class AnnouncementForm(PlainTextForm):
    kind = SelectField(_l("Kind of change"), choices=labelled_options(KINDS))
    parent_id = SelectField(
        _l("Engaged by"),
        coerce=int,
        default=0,
        description=_l(
            "For a change down the chain: the sub-processor that adds, replaces or removes its own sub-processor. "
            "Choose every service it serves."
        ),
    )
    service_ids = MultiCheckboxField(_l("Services affected"), coerce=int)
    target_id = SelectField(
        _l("Sub-processor that is replaced, removed or moves"),
        coerce=int,
        description=_l("For a replacement, a removal or a change of locations."),
    )
    entity_id = SelectField(
        _l("Sub-processor brought in"),
        coerce=int,
        description=_l("An entity this processor already uses (e.g. for another service), or a new one."),
    )
    new_name = StringField(_l("Name of a new sub-processor"), validators=[Optional(), Length(max=200)])
    new_legal_name = StringField(_l("Its legal name"), validators=[Optional(), Length(max=200)])
    new_established_in = SelectField(_l("Established in"))
    new_description = TextAreaField(_l("What it does"), validators=[Optional(), Length(max=2000)])
    new_dpa_in_place = SelectField(
        _l("Sub-processing agreement in place"),
        choices=options([("", _l("Not stated")), ("yes", _l("Yes")), ("no", _l("No"))]),
    )
    purpose = TextAreaField(_l("Purpose for these services"), validators=[Optional(), Length(max=2000)])
    locations = FieldList(
        FormField(LocationForm),
        min_entries=3,
        max_entries=6,
        label=_l("Processing locations (a new sub-processor, or a change of locations)"),
    )
    reason = TextAreaField(
        _l("Reason for the change"),
        validators=[DataRequired(message=_l("Give the reason for the change.")), Length(max=4000)],
    )
    effective_date = DateField(
        _l("Effective date"), validators=[InputRequired(message=_l("Give the effective date (YYYY-MM-DD)."))]
    )
    urgent = BooleanField(_l("Urgent: shorter notice than the contracts give"))
    urgency_justification = TextAreaField(
        _l("Written justification of the urgency"),
        validators=[Optional(), Length(max=4000)],
        description=_l("Required for an urgent change; shown wherever it appears."),
    )

    def __init__(self, *args, sub_processors=(), engaged=(), services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.service_ids.choices = options((s.id, s.name) for s in services)
        self.target_id.choices = options([(0, "—")] + [(sp.id, sp.name) for sp in engaged])
        self.parent_id.choices = options([(0, _l("— the processor itself —"))] + [(sp.id, sp.name) for sp in engaged])
        self.entity_id.choices = options(
            [(0, _l("— a new sub-processor (below) —"))] + [(sp.id, sp.name) for sp in sub_processors]
        )
        self.new_established_in.choices = country_options(_l("Not stated"))

    def values(self) -> dict:
        locations = [
            {
                "country": None if row.country.data == WORLDWIDE else row.country.data.upper(),
                "place": row.place.data,
                "role": row.role.data,
                "transfer_basis": row.transfer_basis.data or None,
            }
            for row in self.locations
            if row.country.data
        ]
        values = {
            "kind": self.kind.data,
            "service_ids": self.service_ids.data or [],
            "parent_id": self.parent_id.data or None,
            "target_id": self.target_id.data or None,
            "entity_id": self.entity_id.data or None,
            "new_name": self.new_name.data,
            "new_legal_name": self.new_legal_name.data,
            "new_established_in": None
            if self.new_established_in.data in ("", WORLDWIDE)
            else self.new_established_in.data,
            "new_description": self.new_description.data,
            "new_dpa_in_place": {"yes": True, "no": False}.get(self.new_dpa_in_place.data),
            "purpose": self.purpose.data,
            "locations": locations,
            "reason": self.reason.data,
            "effective_date": self.effective_date.data,
            "urgent": self.urgent.data,
            "urgency_justification": self.urgency_justification.data,
        }
        kept = FIELDS_OF_KIND.get(self.kind.data, ())
        return {**values, **{name: empty for name, empty in EMPTY.items() if name not in kept}}


def form_data(announcement) -> dict:
    """A draft as the form shows it."""
    locations = [
        {
            "country": loc["country"] or WORLDWIDE,
            "place": loc["place"] or "",
            "role": loc["role"],
            "transfer_basis": loc["transfer_basis"] or "",
        }
        for loc in announcement.locations
    ]
    return {
        "kind": announcement.kind,
        "service_ids": [s.id for s in announcement.services],
        "parent_id": announcement.parent_id or 0,
        "target_id": announcement.target_id or 0,
        "entity_id": announcement.entity_id or 0,
        "new_name": announcement.new_name,
        "new_legal_name": announcement.new_legal_name,
        "new_established_in": announcement.new_established_in or "",
        "new_description": announcement.new_description,
        "new_dpa_in_place": {True: "yes", False: "no"}.get(announcement.new_dpa_in_place, ""),
        "purpose": announcement.purpose,
        "locations": locations,
        "reason": announcement.reason,
        "effective_date": announcement.effective_date,
        "urgent": announcement.urgent,
        "urgency_justification": announcement.urgency_justification,
    }


class WithdrawForm(PlainTextForm):
    reason = TextAreaField(
        _l("Reason for the withdrawal"),
        validators=[DataRequired(message=_l("Give the reason for the withdrawal.")), Length(max=4000)],
    )


class PublishForm(PlainTextForm):
    """Only the CSRF token: publishing is a POST."""


class DeleteForm(PlainTextForm):
    """Only the CSRF token: deleting a draft is a POST, after a confirming page."""
