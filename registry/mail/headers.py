"""The Subject and From headers written by hand, so that they decode to exactly their text in every reader.

The email package folds a long non-ASCII subject into encoded words whose spaces a reader then drops ("Coöperatie
België" read as "CoöperatieBelgië", a line ending in a space), and cuts a long encoded name in the middle of a word;
Flask-Mail's email.header.Header does as badly ("pri vé,één"). Here each run of non-ASCII words (the spaces between
them included) becomes encoded words of its own (RFC 2047), ASCII words stay as they are (in a name, quoted where
they hold specials: RFC 5322 3.2.5), and the line is folded at the spaces between them (RFC 5322 2.2.3)."""

from __future__ import annotations

import base64
import re

_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+\Z")  # atext (RFC 5322 3.2.3): needs no quotes
_WIDEST = 66  # characters of one encoded word: at most 75 (RFC 2047 2), and with "Subject: " within a line
_LINE = 78  # characters of a header line, its name included (RFC 5322 2.1.1)


def _word(text: str) -> str:
    return f"=?utf-8?b?{base64.b64encode(text.encode()).decode('ascii')}?="


def _encoded(text: str, at_space: bool) -> list[str]:
    """`text` as encoded words of at most _WIDEST characters, cut between characters, or after a space where one is
    (`at_space`: in a name, which some readers, the email package's among them, read with a space between two
    encoded words; RFC 2047 6.2 says to drop it, and a subject's readers do)."""
    words, chunk = [], ""
    for char in text:
        if chunk and len(_word(chunk + char)) > _WIDEST:
            cut = (chunk.rfind(" ") + 1 or len(chunk)) if at_space else len(chunk)
            words.append(_word(chunk[:cut]))
            chunk = chunk[cut:]
        chunk += char
    return [*words, _word(chunk)]


def _kind(token: str, phrase: bool) -> str:
    # A word that looks like an encoded word is encoded too, so that it shows as typed, not as what it decodes to.
    if not token.isascii() or "=?" in token:
        return "encoded"
    return "quoted" if phrase and not _ATOM.match(token) else "plain"


def _parts(text: str, phrase: bool) -> list[str]:
    """The words of the header: a run of words that need encoding (or, in a name, quoting) is one part, so that
    no space falls between two encoded words."""
    runs: list[tuple[str, list[str]]] = []
    for token in text.split():
        kind = _kind(token, phrase)
        if runs and runs[-1][0] == kind != "plain":
            runs[-1][1].append(token)
        else:
            runs.append((kind, [token]))
    parts: list[str] = []
    for kind, tokens in runs:
        run = " ".join(tokens)
        if kind == "encoded":
            parts += _encoded(run, at_space=phrase)
        elif kind == "quoted":
            parts.append('"' + run.replace("\\", "\\\\").replace('"', '\\"') + '"')
        else:
            parts.append(run)
    return parts


def _folded(name: str, parts: list[str]) -> str:
    """The header's value, its lines (with the name) at most 78 characters where the words allow, broken by '\\n '."""
    lines, line = [], f"{name}:"
    for part in parts:
        if len(line) + 1 + len(part) > _LINE and line != f"{name}:":
            lines.append(line)
            line = ""
        line += " " + part
    lines.append(line)
    return "\n".join(lines).removeprefix(f"{name}: ")


def subject_header(subject: str) -> str:
    return _folded("Subject", _parts(subject, phrase=False)) if subject.split() else ""


def from_header(name: str, address: str) -> str:
    return _folded("From", [*_parts(name, phrase=True), f"<{address}>"] if name.split() else [address])
