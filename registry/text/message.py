"""Text: a sentence of the domain before it is in a language, as a message id with its parameters.

The domain raises errors and returns explanations as Text values; dates stay dates. The web layer installs a
renderer (web.i18n) that translates the message id with gettext in the reader's language and shows each
parameter with the portal's one date formatter. `str(text)` renders with that renderer, so a Text can be put into a
template, a form error or a mail like a string. Without a renderer (a script, a unit test), the English message id
is filled in with ISO dates.

Beside Text: Joined (sentences shown as one), Name (a name the data holds in each language, such as a Dutch public
holiday), Styled (a Text lower-cased or tidied after translation) and Iso (a day or moment written the ISO way in
every language). Each is a Words value: it becomes words only where it is shown.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

Render = Callable[["Text"], str]


class Words(ABC):
    """A value that becomes words only where it is shown: `str()` says it in the current language."""

    __slots__ = ()

    @abstractmethod
    def words(self, render: Render, language: str) -> str:
        """The value in `language`, each Text in it rendered by `render` (each kind of Words says how)."""

    def __str__(self) -> str:
        return self.words(_renderer, _language())


def words_of(value: Any, render: Render, language: str) -> str:
    """A Words value, or anything else as str() writes it."""
    return value.words(render, language) if isinstance(value, Words) else str(value)


class Text(Words):
    """A message id (with a plural form and its count, when it has one) and its parameters, not yet translated."""

    __slots__ = ("msgid", "plural", "count", "params")

    def __init__(self, msgid: str, /, *, plural: tuple[str, int] | None = None, **params: Any):
        """`plural`: the plural form and the count that chooses between them (see ngettext). Any other keyword is
        a parameter, whatever its name (`count` too)."""
        self.msgid = msgid
        self.plural, self.count = plural if plural is not None else (None, None)
        self.params = params

    def words(self, render: Render, language: str) -> str:
        return render(self)

    def __repr__(self) -> str:
        return (
            f"Text({self.msgid!r}, {self.params!r})"
            if self.plural is None
            else f"Text({self.msgid!r}, {self.plural!r}, {self.count!r}, {self.params!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Text):
            return NotImplemented
        return (self.msgid, self.plural, self.count, self.params) == (
            other.msgid,
            other.plural,
            other.count,
            other.params,
        )

    def __hash__(self) -> int:
        return hash((self.msgid, self.plural, self.count))

    def __bool__(self) -> bool:
        return bool(self.msgid)


class Joined(Words):
    """Several Texts (or strings) shown as one, separated by `separator` (a space between sentences by default;
    the separator may itself be a Text, such as " or ")."""

    __slots__ = ("parts", "separator")

    def __init__(self, parts: Iterable[Words | str], separator: Words | str = " "):
        self.parts = tuple(parts)
        self.separator = separator

    def words(self, render: Render, language: str) -> str:
        separator = words_of(self.separator, render, language)
        return separator.join(words_of(part, render, language) for part in self.parts)

    def __repr__(self) -> str:
        return f"Joined({self.parts!r}, {self.separator!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Joined):
            return NotImplemented
        return (self.parts, self.separator) == (other.parts, other.separator)

    def __hash__(self) -> int:
        return hash((self.parts, self.separator))

    def __bool__(self) -> bool:
        return any(self.parts)


class Name(Words):
    """A name the data itself holds in each language, not the portal's catalogue: a Dutch public holiday (the law's
    own Dutch term), a country (pycountry's names). Shown in the reader's language, else in English."""

    __slots__ = ("names",)

    def __init__(self, names: Mapping[str, str]):
        if "en" not in names:
            raise ValueError("a Name needs its English form")
        self.names = dict(names)

    def in_language(self, language: str) -> str:
        return self.names.get(language, self.names["en"])

    def words(self, render: Render, language: str) -> str:
        return self.in_language(language)

    def __repr__(self) -> str:
        return f"Name({self.names!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Name):
            return NotImplemented
        return self.names == other.names

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.names.items())))


def _one_full_stop(words: str) -> str:
    return words[:-1] if words.endswith("..") else words


# What a style does to a text once it is in a language.
STYLES: dict[str, Callable[[str], str]] = {
    "lower": str.lower,  # a label inside a sentence: "consent granted"
    "one_line": lambda words: " ".join(words.split()),  # a title, whatever line breaks the names hold
    "one_full_stop": _one_full_stop,  # a sentence ending in a name that ends in one ("Nimbus B.V.")
}


class Styled(Words):
    """A Text (or Joined) with a rule of typography applied after translation, in whatever language it is shown."""

    __slots__ = ("text", "style")

    def __init__(self, text: Words | str, style: str):
        if style not in STYLES:
            raise ValueError(f"unknown style {style!r}")
        self.text = text
        self.style = style

    def words(self, render: Render, language: str) -> str:
        return STYLES[self.style](words_of(self.text, render, language))

    def __repr__(self) -> str:
        return f"Styled({self.text!r}, {self.style!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Styled):
            return NotImplemented
        return (self.text, self.style) == (other.text, other.style)

    def __hash__(self) -> int:
        return hash((self.text, self.style))

    def __bool__(self) -> bool:
        return bool(self.text)


def lower(text: Words | str) -> Styled:
    return Styled(text, "lower")


def one_line(text: Words | str) -> Styled:
    return Styled(text, "one_line")


def one_full_stop(text: Words | str) -> Styled:
    return Styled(text, "one_full_stop")


class Iso(Words):
    """A day (2026-12-01) or a moment in UTC to the minute (2026-12-01 11:00), the same in every language: for
    values a reader compares with records (the audit log, a recorded outcome), not a date written out."""

    __slots__ = ("value",)

    def __init__(self, value: date | datetime):
        self.value = value

    def words(self, render: Render, language: str) -> str:
        if isinstance(self.value, datetime):
            return self.value.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
        return self.value.isoformat()

    def __repr__(self) -> str:
        return f"Iso({self.value!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Iso):
            return NotImplemented
        return self.value == other.value

    def __hash__(self) -> int:
        return hash(self.value)


def _(msgid: str, /, **params: Any) -> Text:
    """Mark a sentence for translation (extracted by pybabel as `_`); it is translated where it is shown."""
    return Text(msgid, **params)


def ngettext(singular: str, plural: str, count: int, /, **params: Any) -> Text:
    """A sentence with a singular and a plural form; `%(num)s` in it is the count, as in gettext."""
    return Text(singular, plural=(plural, count), **params)


def _english_text(text: Text) -> str:
    msgid = text.msgid if text.plural is None or text.count == 1 else text.plural
    params = {key: _english_value(value) for key, value in text.params.items()}
    if text.plural is not None:
        params.setdefault("num", text.count)
    return msgid % params if params else msgid


def _english_value(value: Any) -> Any:
    if isinstance(value, Words):
        return value.words(_english_text, "en")
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return value


def english(text: Words | str) -> str:
    """The words without a web layer: the English message ids, dates as YYYY-MM-DD. Also what the audit log
    stores as an entry's summary, the same whichever language the request that wrote it had."""
    return words_of(text, _english_text, "en")


def _no_reader() -> str:
    return "en"


_renderer: Render = _english_text
_language: Callable[[], str] = _no_reader


def install(renderer: Render, language: Callable[[], str]) -> None:
    """Set how Texts become words: the web layer installs gettext and the reader's language (web.i18n)."""
    global _renderer, _language
    _renderer, _language = renderer, language


def as_stored(value: Any) -> Any:
    """A parameter as JSON can store it: a date as an ISO string, a Words value in English, anything else as is."""
    return _english_value(value)
