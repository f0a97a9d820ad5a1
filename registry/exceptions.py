"""What the domain raises when it refuses a request; views, the CLI and the API translate these into answers."""


class DomainError(Exception):
    """A rule of the domain refused the request; the message says what is wrong."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The object does not exist, or the actor may not see it."""


class AlreadyDone(DomainError):
    """The request repeats one already recorded (a second objection, a double submit); `existing` is the first."""

    def __init__(self, message: str, existing):
        super().__init__(message)
        self.existing = existing
