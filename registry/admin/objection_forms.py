"""Forms of the processor's side of an objection; the domain checks the values."""
from flask_wtf import FlaskForm
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField

from ..models import OUTCOMES
from .forms import labelled_options


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Your message"), render_kw={"rows": 5})


class OutcomeForm(FlaskForm):
    outcome = RadioField(_l("Outcome of the consultation"), choices=labelled_options(OUTCOMES), validate_choice=False)
    note = TextAreaField(_l("Note"), description=_l("What was agreed, how the change was adapted, or why there is no "
                                             "agreement. The controller sees this note."), render_kw={"rows": 5})
