"""Text: a sentence of the domain before it is in a language, as a message id with its parameters.

The domain raises errors and returns explanations as Text values; dates stay dates. The web layer installs a
renderer (registry.web.i18n) that translates the message id with gettext in the reader's language and shows each
parameter with the portal's one date formatter. `str(text)` renders with that renderer, so a Text can be put into a
template, a form error or a mail like a string. Without a renderer (a script, a unit test), the English message id
is filled in with ISO dates.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any


class Text:
    """A message id (with a plural form and its count, when it has one) and its parameters, not yet translated."""

    __slots__ = ("msgid", "plural", "count", "params")

    def __init__(self, msgid: str, plural: str | None = None, count: int | None = None, **params: Any):
        self.msgid = msgid
        self.plural = plural
        self.count = count
        self.params = params

    def __str__(self) -> str:
        return _renderer(self)

    def __repr__(self) -> str:
        return f"Text({self.msgid!r}, {self.params!r})" if self.plural is None else \
            f"Text({self.msgid!r}, {self.plural!r}, {self.count!r}, {self.params!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Text):
            return NotImplemented
        return (self.msgid, self.plural, self.count, self.params) == (other.msgid, other.plural, other.count,
                                                                      other.params)

    def __hash__(self) -> int:
        return hash((self.msgid, self.plural, self.count))

    def __bool__(self) -> bool:
        return bool(self.msgid)


class Joined:
    """Several Texts (or strings) shown as one, separated by `separator` (a space between sentences by default)."""

    __slots__ = ("parts", "separator")

    def __init__(self, parts: Iterable[Text | str | Joined], separator: str = " "):
        self.parts = tuple(parts)
        self.separator = separator

    def __str__(self) -> str:
        return self.separator.join(str(part) for part in self.parts)

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


def _(msgid: str, **params: Any) -> Text:
    """Mark a sentence for translation (extracted by pybabel as `_`); it is translated where it is shown."""
    return Text(msgid, **params)


def ngettext(singular: str, plural: str, count: int, **params: Any) -> Text:
    """A sentence with a singular and a plural form; `%(num)s` in it is the count, as in gettext."""
    return Text(singular, plural, count, **params)


def english(text: Text) -> str:
    """The renderer without a web layer: the English message id, dates as YYYY-MM-DD."""
    msgid = text.msgid if text.plural is None or text.count == 1 else text.plural
    params = {key: _plain(value) for key, value in text.params.items()}
    if text.plural is not None:
        params.setdefault("num", text.count)
    return msgid % params if params else msgid


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Text | Joined):
        return str(value)
    return value


_renderer: Callable[[Text], str] = english


def install(renderer: Callable[[Text], str]) -> None:
    """Set how Texts become words: the web layer installs gettext in the reader's language (registry.web.i18n)."""
    global _renderer
    _renderer = renderer


def params_of(text: Text) -> dict[str, Any]:
    """The parameters as JSON can store them (dates as ISO strings), e.g. for an audit entry shown later."""
    return {key: _plain(value) for key, value in text.params.items()}
