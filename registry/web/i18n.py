"""Dutch and English: which language a request gets, the switch that changes it (Flask-Babel), and how the
domain's Texts and dates become words: gettext, and long_date, the portal's one way of writing a date out."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, current_app, has_app_context, has_request_context, redirect, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import Babel, format_date, format_datetime, format_decimal, get_locale, gettext, ngettext
from flask_login import current_user
from jinja2 import pass_context

from registry.law.periods import AMSTERDAM, Deadline, local_day, termination_end
from registry.models.mail import MESSAGE_KINDS, MESSAGE_STATUSES
from registry.text import message
from registry.text.message import Text, Words, english
from registry.web import cookieless
from registry.web.cookieless import is_cookieless

LANGUAGES = {"nl": "Nederlands", "en": "English"}
COOKIE = "language"

babel = Babel()
bp = Blueprint("i18n", __name__)


def select_language() -> str:
    """The user's setting, else the switch's cookie, else the browser's Accept-Language, else Dutch.

    Outside a request (CLI commands, the mail worker) messages are for the operator: English. An answer that
    depends on no cookie (registry.web.cookieless) reads neither the account nor the cookie.
    """
    if not has_request_context():
        return "en"
    if is_cookieless():
        return cookieless.language() or current_app.config["DEFAULT_LANGUAGE"]
    if current_user and current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES)) or current_app.config["DEFAULT_LANGUAGE"]


def N_(msgid: str) -> str:
    """Mark a message id of the web layer's own tables (error titles, the log-in prompt): gettext translates it
    where it is shown."""
    return msgid


def one_full_stop(text) -> str:
    """A sentence that ends in a name ending in a full stop ("… of Vcareconnect B.V."), with one full stop."""
    text = f"{text}"
    return text[:-1] if text.endswith("..") else text


def full_stop(text) -> str:
    """A name as the end of a sentence: "{{ name|full_stop }}" adds the full stop unless the name ends in one."""
    text = f"{text}"
    return text if text.endswith(".") else f"{text}."


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else current_app.config["DEFAULT_LANGUAGE"]


def reader_language() -> str:
    """'nl' or 'en': the request's language (or a mail's forced one); English outside the app, for operators."""
    return current_language() if has_app_context() else "en"


def long_date(value: date | datetime | None) -> str:
    """A date written out in the page's language: 22 november 2026 / 22 November 2026."""
    if value is None:
        return ""
    return format_date(value, format="long")


def instant(value: datetime | None) -> str:
    """A moment as people in the Netherlands read it: Amsterdam time, in the page's language, with the zone
    (1 december 2026 om 12:00 CET / December 1, 2026, 12:00 CET)."""
    if value is None:
        return ""
    local = value.astimezone(AMSTERDAM)
    # The day written out as long_date writes it, so that one page shows one kind of date.
    day, time = format_date(local, format="long"), format_datetime(local, format="HH:mm", rebase=False)
    return gettext("%(day)s, %(time)s %(zone)s", day=day, time=time, zone=local.strftime("%Z"))


def recorded_at(value: datetime | None) -> str:
    """A moment as the evidence tables record it, the same in every language: UTC to the second."""
    if value is None:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def rendered(text: Text) -> str:
    """A domain Text in the current language (the request's, or a mail's forced one): gettext, then the parameters,
    dates by long_date and moments by instant. Outside an app context (a plain script) the English message id."""
    if not has_app_context():
        return english(text)
    params = {key: _shown(value) for key, value in text.params.items()}
    if text.plural is None:
        return gettext(text.msgid, **params)
    return ngettext(text.msgid, text.plural, text.count, **params)


def _shown(value: Any) -> Any:
    if isinstance(value, Words):
        return value.words(rendered, reader_language())
    if isinstance(value, datetime):
        return instant(value)
    if isinstance(value, date):
        return long_date(value)
    return value


def _shown_in_templates(jinja_gettext):
    """Jinja's `_` and `gettext`, which also show a domain value handed to them (`_(decision.label)`, as the
    mail templates still write it) instead of looking it up as a message id."""

    @pass_context
    def gettext_or_words(context, string, **variables):
        if isinstance(string, Words):
            return str(string)  # plain text: autoescaping escapes it on output like any other value
        return jinja_gettext(context, string, **variables)

    return gettext_or_words


class WordsJSONProvider(DefaultJSONProvider):
    """JSON answers (the API, its error messages) show a domain Text in the request's language."""

    @staticmethod
    def default(o: Any) -> Any:
        if isinstance(o, Words):
            return str(o)
        return DefaultJSONProvider.default(o)


def number(value: int | float | None) -> str:
    """1.234 in Dutch, 1,234 in English."""
    return "" if value is None else format_decimal(value)


@bp.post("/language")
def switch():
    """The language switch on every page: a small form, so it works without JavaScript."""
    from registry.accounts import users
    from registry.web.auth.views import safe_next

    language = request.form.get("language")
    target = safe_next(request.form.get("next")) or "/"
    response = redirect(target)
    if language in LANGUAGES:
        response.set_cookie(
            COOKIE,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        )
        if current_user.is_authenticated:
            users.set_language(current_user._get_current_object(), language)
    return response


def compile_catalogues(folder: Path) -> None:
    """Compile each .po whose .mo is missing or older (make compiles them at install; this covers `pip install`)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in folder.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalogue = read_po(source, locale=po.parent.parent.name)
        with mo.open("wb") as target:
            write_mo(target, catalogue)


def init_app(app: Flask) -> None:
    compile_catalogues(Path(app.config["BABEL_TRANSLATION_DIRECTORIES"]))
    babel.init_app(app, locale_selector=select_language)
    message.install(rendered, reader_language)
    app.json = WordsJSONProvider(app)
    shown = _shown_in_templates(app.jinja_env.globals["gettext"])
    app.jinja_env.globals.update(_=shown, gettext=shown)
    app.register_blueprint(bp)
    app.jinja_env.globals.update(current_language=current_language, LANGUAGES=LANGUAGES)
    app.jinja_env.globals.update(
        recorded_deadline=Deadline.as_recorded,
        recorded_notice=Deadline.notice_as_recorded,
        termination_end=termination_end,
        feed_language=current_language,
        MESSAGE_KINDS=MESSAGE_KINDS,
        MESSAGE_STATUSES=MESSAGE_STATUSES,
    )
    app.jinja_env.filters["one_full_stop"] = one_full_stop
    app.jinja_env.filters["full_stop"] = full_stop
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["instant"] = instant
    app.jinja_env.filters["recorded_at"] = recorded_at
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["local_day"] = local_day
    app.jinja_env.filters["isodate"] = date.fromisoformat
