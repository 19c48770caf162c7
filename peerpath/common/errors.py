"""Errors a user can cause, carried from services to views, commands and the API."""


class ApplicationError(Exception):
    """A refusal a user can understand: `message` says what went wrong, `field` where.

    `errors` holds several problems at once (for example every bad row of a CSV file) as
    (location, message) pairs.
    """

    def __init__(self, message: str, *, field: str | None = None, errors=None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors: list[tuple[str, str]] = list(errors or [])

    def __str__(self) -> str:
        if self.errors:
            lines = [self.message] + [f"{where}: {what}" for where, what in self.errors]
            return "\n".join(lines)
        if self.field:
            return f"{self.field}: {self.message}"
        return self.message
