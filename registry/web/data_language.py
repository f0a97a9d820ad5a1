"""The words of a processor's own lists (its annexes: purposes, descriptions, personal data, retention) stay in the
language they were written in; on a page in another language they are marked with it (lang="nl"), as WCAG 2.1
success criterion 3.1.2 asks, so that a screen reader reads them right and nobody takes them for the page's words.
The view says whose lists the page shows (`for_processor`); the templates pass those words through `|data`."""

from __future__ import annotations

from flask import Flask, g
from markupsafe import Markup

from registry.models import Processor
from registry.web.i18n import current_language


def for_processor(processor: Processor) -> None:
    g.data_language = processor.data_language


def in_data_language(text):
    language = g.get("data_language")
    if not text or not language or language == current_language():
        return text
    return Markup('<span lang="%s">%s</span>') % (language, text)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["data"] = in_data_language
