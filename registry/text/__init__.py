"""Sentences of the domain before they are in a language, and the plain-text rule for typed text. Imports only the standard library."""
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

__all__ = ["Iso", "Joined", "Name", "Styled", "Text", "Words", "_", "english", "lower", "ngettext", "one_full_stop",
           "one_line"]
