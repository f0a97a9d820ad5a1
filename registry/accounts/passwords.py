"""What a new password must be: long enough, and not one that attackers guess early (zxcvbn's estimate
against its lists of common passwords, words, names, keyboard patterns and dates)."""

from __future__ import annotations

import secrets
import threading

from zxcvbn import zxcvbn

from registry.exceptions import DomainError
from registry.text import Joined, Text, _

MIN_LENGTH = 12
MAX_LENGTH = 200
# zxcvbn's scale: 3 is "safely unguessable" (about 10^8 guesses or more), what it recommends for accounts.
MIN_SCORE = 3
# zxcvbn refuses longer input; a longer password is judged by its first 72 characters.
ZXCVBN_MAX = 72

# zxcvbn's own warnings, marked here so that the catalogue carries their Dutch: Text(warning) is shown in the
# reader's language (zxcvbn writes them in English).
WARNINGS = (
    _("This is a top-10 common password."),
    _("This is a top-100 common password."),
    _("This is a very common password."),
    _("This is similar to a commonly used password."),
    _("A word by itself is easy to guess."),
    _("Names and surnames by themselves are easy to guess."),
    _("Common names and surnames are easy to guess."),
    _("Straight rows of keys are easy to guess."),
    _("Short keyboard patterns are easy to guess."),
    _('Repeats like "aaa" are easy to guess.'),
    _('Repeats like "abcabcabc" are only slightly harder to guess than "abc".'),
    _('Sequences like "abc" or "6543" are easy to guess.'),
    _("Recent years are easy to guess."),
    _("Dates are often easy to guess."),
)

# zxcvbn keeps the user's own words in a module-level dictionary while it scores: one check at a time.
_scoring = threading.Lock()


def problem(password: str, own_words: tuple[str, ...] = ()) -> Text | Joined | None:
    """Why this password may not be used; None when it may."""
    if len(password) < MIN_LENGTH:
        return _("The password must have at least %(min_password_length)s characters.", min_password_length=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Keep the password under 200 characters.")
    with _scoring:
        estimate = zxcvbn(password[:ZXCVBN_MAX], user_inputs=list(own_words))
    if estimate["score"] >= MIN_SCORE:
        return None
    warning = estimate["feedback"]["warning"]
    return Joined(
        filter(
            None,
            [
                _("This password is too easy to guess."),
                Text(warning) if warning else None,
                _("Use four or more words that do not belong together, or a random password from a password manager."),
            ],
        )
    )


def check(password: str, field: str = "password", own_words: tuple[str, ...] = ()) -> None:
    """Refuse (DomainError on `field`) a password that is too short or too easy to guess."""
    reason = problem(password or "", own_words)
    if reason:
        raise DomainError(reason, field)


def words_of(email: str) -> tuple[str, ...]:
    """The parts of an e-mail address that a password should not be made of."""
    local, _at, domain = email.partition("@")
    return (email, local, *domain.split("."))


def generated() -> str:
    """A random password that meets the rules (16 URL-safe characters; drawn again in the rare case it does not)."""
    while True:
        password = secrets.token_urlsafe(12)
        if problem(password) is None:
            return password
