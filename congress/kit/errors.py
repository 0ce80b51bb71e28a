"""The error every service raises when a step is not allowed; its message is shown to the user."""


class DomainError(Exception):
    """A refused state change, e.g. replying to a suggestion that was never assigned.

    Raise it with a translated message (`gettext`, not lazy, so it is rendered in the request's
    language); views turn it into `messages.error` or a form error, never a 500.
    """

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
