"""What text typed into the portal may hold: no control characters (tab and line breaks only in multi-line text),
and in one-line values such as names no invisible characters that change the reading direction.

PostgreSQL cannot store NUL, XML feeds cannot carry control characters, and a direction override (U+202E) makes
a name read differently from what it is (a spoofed name in a record kept as evidence). The rule is applied once
for every form field (forms.py), URL path value and query argument (routing.py)."""

from __future__ import annotations

import re
from typing import NamedTuple

# Embeddings, overrides and isolates (Unicode's bidi control characters), and the marks LRM, RLM and ALM.
DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x85\u2028\u2029")
MULTI_LINE_WHITESPACE = frozenset("\t\n\r")  # browsers send a text area's line breaks as CR LF


class Forbidden(NamedTuple):
    """The first character a value may not hold: where it stands (counting from 1) and which one it is."""

    position: int
    char: str
    kind: str  # "line break", "direction" or "control"

    @property
    def code(self) -> str:
        return f"U+{ord(self.char):04X}"


# Unicode's category Cc (U+0000–U+001F, U+007F–U+009F) and Cs (surrogates: a lone one cannot even be encoded).
_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_IN_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff" + "".join(sorted(DIRECTION_CONTROLS | LINE_BREAKS)) + "]")


def forbidden_character(text: str, multi_line: bool = False) -> Forbidden | None:
    """The first character `text` may not hold, or None when it is plain text."""
    found = (_IN_TEXT if multi_line else _IN_ONE_LINE).search(text)
    if found is None:
        return None
    char = found.group()
    kind = (
        "line break"
        if char in LINE_BREAKS and not multi_line
        else "direction"
        if char in DIRECTION_CONTROLS
        else "control"
    )
    return Forbidden(found.start() + 1, char, kind)


def is_plain(text: str, multi_line: bool = False) -> bool:
    return forbidden_character(text, multi_line) is None
