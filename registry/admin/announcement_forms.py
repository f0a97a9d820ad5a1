"""The announcement form: what changes, for which services, where, when and why."""
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, FieldList, Form, FormField, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

import pycountry

from ..models import KINDS
from ..transfers import basis_names
from .forms import MultiCheckboxField, options

WORLDWIDE = "WORLD"


def country_options(first_label: str) -> list:
    countries = sorted(((c.alpha_2, c.name) for c in pycountry.countries), key=lambda pair: pair[1])
    return options([("", first_label), (WORLDWIDE, "Worldwide (no single country)")] + countries)


class LocationForm(Form):
    """One processing location; a row without a country is ignored."""

    # The choices are checked by the domain (services/announcements.py), which
    # says why a country or basis is refused; an omitted row is simply empty.
    country = SelectField("Country", validate_choice=False)
    place = StringField("Region, city or data centre", validators=[Optional(), Length(max=200)])
    role = SelectField("Role", choices=options([("processing", "Processing"), ("back-up", "Back-up")]),
                       validate_choice=False)
    transfer_basis = SelectField("Transfer basis (outside the EEA)", validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_options("—")
        self.transfer_basis.choices = options([("", "— (inside the EEA)")] + list(basis_names().items()))


class AnnouncementForm(FlaskForm):
    kind = SelectField("Kind of change", choices=options(KINDS.items()))
    service_ids = MultiCheckboxField("Services affected", coerce=int)
    target_id = SelectField("Sub-processor that is replaced, removed or moves", coerce=int,
                            description="For a replacement, a removal or a change of locations.")
    entity_id = SelectField("Sub-processor brought in", coerce=int,
                            description="An entity this processor already uses (e.g. for another service), or a new one.")
    new_name = StringField("Name of a new sub-processor", validators=[Optional(), Length(max=200)])
    new_legal_name = StringField("Its legal name", validators=[Optional(), Length(max=200)])
    new_established_in = SelectField("Established in")
    new_description = TextAreaField("What it does", validators=[Optional(), Length(max=2000)])
    new_dpa_in_place = SelectField("Sub-processing agreement in place", choices=options(
        [("", "Not stated"), ("yes", "Yes"), ("no", "No")]))
    purpose = TextAreaField("Purpose for these services", validators=[Optional(), Length(max=2000)])
    locations = FieldList(FormField(LocationForm), min_entries=3, max_entries=6,
                          label="Processing locations (a new sub-processor, or a change of locations)")
    reason = TextAreaField("Reason for the change", validators=[
        DataRequired(message="Give the reason for the change."), Length(max=4000)])
    effective_date = DateField("Effective date", validators=[
        InputRequired(message="Give the effective date (YYYY-MM-DD).")])
    urgent = BooleanField("Urgent: shorter notice than the contracts give")
    urgency_justification = TextAreaField("Written justification of the urgency", validators=[
        Optional(), Length(max=4000)], description="Required for an urgent change; shown wherever it appears.")

    def __init__(self, *args, sub_processors=(), engaged=(), services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.service_ids.choices = options((s.id, s.name) for s in services)
        self.target_id.choices = options([(0, "—")] + [(sp.id, sp.name) for sp in engaged])
        self.entity_id.choices = options([(0, "— a new sub-processor (below) —")] +
                                         [(sp.id, sp.name) for sp in sub_processors])
        self.new_established_in.choices = country_options("Not stated")

    def values(self) -> dict:
        locations = [{"country": None if row.country.data == WORLDWIDE else row.country.data.upper(),
                      "place": row.place.data, "role": row.role.data,
                      "transfer_basis": row.transfer_basis.data or None}
                     for row in self.locations if row.country.data]
        return {
            "kind": self.kind.data, "service_ids": self.service_ids.data or [],
            "target_id": self.target_id.data or None, "entity_id": self.entity_id.data or None,
            "new_name": self.new_name.data, "new_legal_name": self.new_legal_name.data,
            "new_established_in": None if self.new_established_in.data in ("", WORLDWIDE)
            else self.new_established_in.data,
            "new_description": self.new_description.data,
            "new_dpa_in_place": {"yes": True, "no": False}.get(self.new_dpa_in_place.data),
            "purpose": self.purpose.data, "locations": locations, "reason": self.reason.data,
            "effective_date": self.effective_date.data, "urgent": self.urgent.data,
            "urgency_justification": self.urgency_justification.data,
        }


def form_data(announcement) -> dict:
    """A draft as the form shows it."""
    locations = [{"country": loc["country"] or WORLDWIDE, "place": loc["place"] or "", "role": loc["role"],
                  "transfer_basis": loc["transfer_basis"] or ""} for loc in announcement.locations]
    return {
        "kind": announcement.kind, "service_ids": [s.id for s in announcement.services],
        "target_id": announcement.target_id or 0, "entity_id": announcement.entity_id or 0,
        "new_name": announcement.new_name, "new_legal_name": announcement.new_legal_name,
        "new_established_in": announcement.new_established_in or "",
        "new_description": announcement.new_description,
        "new_dpa_in_place": {True: "yes", False: "no"}.get(announcement.new_dpa_in_place, ""),
        "purpose": announcement.purpose, "locations": locations, "reason": announcement.reason,
        "effective_date": announcement.effective_date, "urgent": announcement.urgent,
        "urgency_justification": announcement.urgency_justification,
    }


class WithdrawForm(FlaskForm):
    reason = TextAreaField("Reason for the withdrawal", validators=[
        DataRequired(message="Give the reason for the withdrawal."), Length(max=4000)])


class PublishForm(FlaskForm):
    """Only the CSRF token: publishing is a POST."""
