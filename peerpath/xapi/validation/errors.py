"""The one error the pure core raises."""


class Invalid(ValueError):
    """Input the spec forbids; `path` names the property, e.g. `statements[3].actor.mbox`."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message
