"""What a new password must be: long enough, and not one that attackers guess early (zxcvbn's estimate
against its lists of common passwords, words, names, keyboard patterns and dates)."""
from __future__ import annotations

import secrets
import threading

from flask_babel import gettext as _
from zxcvbn import zxcvbn

from registry.text.markers import N_
from registry.exceptions import DomainError

MIN_LENGTH = 12
MAX_LENGTH = 200
# zxcvbn's scale: 3 is "safely unguessable" (about 10^8 guesses or more), what it recommends for accounts.
MIN_SCORE = 3
# zxcvbn refuses longer input; a longer password is judged by its first 72 characters.
ZXCVBN_MAX = 72

# zxcvbn's own warnings, to be shown in the reader's language (it writes them in English).
WARNINGS = (
    N_("This is a top-10 common password."),
    N_("This is a top-100 common password."),
    N_("This is a very common password."),
    N_("This is similar to a commonly used password."),
    N_("A word by itself is easy to guess."),
    N_("Names and surnames by themselves are easy to guess."),
    N_("Common names and surnames are easy to guess."),
    N_("Straight rows of keys are easy to guess."),
    N_("Short keyboard patterns are easy to guess."),
    N_('Repeats like "aaa" are easy to guess.'),
    N_('Repeats like "abcabcabc" are only slightly harder to guess than "abc".'),
    N_('Sequences like "abc" or "6543" are easy to guess.'),
    N_("Recent years are easy to guess."),
    N_("Dates are often easy to guess."),
)

# zxcvbn keeps the user's own words in a module-level dictionary while it scores: one check at a time.
_scoring = threading.Lock()


def problem(password: str, own_words: tuple[str, ...] = ()) -> str | None:
    """Why this password may not be used, in the reader's language; None when it may."""
    if len(password) < MIN_LENGTH:
        return _("The password must have at least %(min_password_length)s characters.",
                 min_password_length=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Keep the password under 200 characters.")
    with _scoring:
        estimate = zxcvbn(password[:ZXCVBN_MAX], user_inputs=list(own_words))
    if estimate["score"] >= MIN_SCORE:
        return None
    warning = estimate["feedback"]["warning"]
    return " ".join(filter(None, [
        _("This password is too easy to guess."),
        _(warning) if warning else "",
        _("Use four or more words that do not belong together, or a random password from a password manager."),
    ]))


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
