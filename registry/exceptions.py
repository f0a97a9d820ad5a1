"""What the domain raises when it refuses a request; views, the CLI and the API translate these into answers."""

from __future__ import annotations

from registry.text import Words


class DomainError(Exception):
    """A rule of the domain refused the request; the message (a Text, shown in the reader's language by str())
    says what is wrong."""

    def __init__(self, message: Words | str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class NotFound(DomainError):
    """The object does not exist, or the actor may not see it."""


class AlreadyDone(DomainError):
    """The request repeats one already recorded (a second objection, a double submit); `existing` is the first."""

    def __init__(self, message: Words | str, existing):
        super().__init__(message)
        self.existing = existing
