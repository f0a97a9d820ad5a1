"""Words before they have a language (Text values), the plain-text rule for typed text, the CSV cell rule.
Imports only the standard library."""

from registry.text.message import (
    Iso,
    Joined,
    Name,
    Styled,
    Text,
    Words,
    _,
    english,
    lower,
    ngettext,
    one_full_stop,
    one_line,
)

__all__ = [
    "Iso",
    "Joined",
    "Name",
    "Styled",
    "Text",
    "Words",
    "_",
    "english",
    "lower",
    "ngettext",
    "one_full_stop",
    "one_line",
]
