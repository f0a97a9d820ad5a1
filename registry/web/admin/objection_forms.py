"""Forms of the processor's side of an objection; the domain checks the values."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField
from wtforms.validators import Length

from registry.cases.objections import MAX_TEXT
from registry.models import OUTCOMES
from registry.web.admin.forms import labelled_options
from registry.web.forms import PlainTextForm


class MessageForm(PlainTextForm):
    body = TextAreaField(_l("Your message"), validators=[Length(max=MAX_TEXT)], render_kw={"rows": 5})


class OutcomeForm(PlainTextForm):
    outcome = RadioField(_l("Outcome of the consultation"), choices=labelled_options(OUTCOMES), validate_choice=False)
    note = TextAreaField(
        _l("Note"),
        description=_l(
            "What was agreed, how the change was adapted, or why there is no agreement. The controller sees this note."
        ),
        validators=[Length(max=MAX_TEXT)],
        render_kw={"rows": 5},
    )
