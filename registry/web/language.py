"""The language of the text being written: the request's (or a mail's forced one), else English for operators."""
from __future__ import annotations


def page_language() -> str:
    """'nl' or 'en': what Flask-Babel chose for this request, or what force_locale() set for a mail."""
    from flask import has_app_context
    if not has_app_context():
        return "en"
    from flask_babel import get_locale
    locale = get_locale()
    return locale.language if locale is not None else "en"


def translated(text: str) -> str:
    """A text held in data (a YAML name, a stored label) in the page's language; pybabel does not extract it,
    so the text itself must be marked with N_() where it is defined."""
    from flask_babel import gettext
    return gettext(text)


def spoken_date(day) -> str:
    """A calendar day written out in the page's language: '28 december 2026' / 'December 28, 2026'."""
    from babel.dates import format_date
    return format_date(day, "long", locale=page_language())
