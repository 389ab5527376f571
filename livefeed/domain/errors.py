"""The few failures a use case can report; the web and CLI faces each render them in one place."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TypeVar

T = TypeVar("T")


def N_(message: str) -> str:  # noqa: N802 (gettext's own name for it)
    """Marks a message for the catalogs where it is written; a face translates it when shown."""
    return message


class Message(str):
    """Words for a person with values put in: the English text, and what another language needs.

    The string itself is the English, so code and tests that compare messages see plain text;
    a face speaking another language translates ``template`` from its catalog and puts the same
    ``values`` into the translation. A value that is itself a message is translated with it,
    and a moment is written as each language writes it (here in English, in UTC).
    """

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, /, **values: object) -> Message:
        if isinstance(template, Message) and not values:
            # Already a message (a checker's, handed on to Invalid.field): keep its values.
            return template
        english = {name: _english(value) for name, value in values.items()}
        made = super().__new__(cls, template % english if values else template)
        made.template = template
        made.values = values
        return made


def _english(value: object) -> object:
    if isinstance(value, datetime):
        utc = value.astimezone(UTC)
        return f"{utc.day} {utc:%B %Y, %H:%M}"
    return value


class LivefeedError(Exception):
    """Base of every error a reader, editor or script is meant to see."""

    status = 500
    title = N_("Error")


class NotFound(LivefeedError):
    status = 404
    title = N_("Not found")


class Unauthorized(LivefeedError):
    """No valid credentials were given (the API's 401)."""

    status = 401
    title = N_("Not signed in")


class Forbidden(LivefeedError):
    status = 403
    title = N_("Forbidden")


class Conflict(LivefeedError):
    """The change clashes with the current state (a taken slug, a stale version, a deleted post)."""

    status = 409
    title = N_("Conflict")

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class TooManyRequests(LivefeedError):
    status = 429
    title = N_("Too many requests")

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(LivefeedError):
    """Something outside the process the request needs does not answer (the media storage)."""

    status = 503
    title = N_("Unavailable")


class Invalid(LivefeedError):
    """Input that breaks a rule, with every offending field and what is wrong with it.

    Forms show each message next to its field; the API lists them in problem+json.
    """

    status = 422
    title = N_("Invalid input")

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        first_field, first_message = next(iter(self.errors.items()))
        super().__init__(f"{first_field}: {first_message}")

    @classmethod
    def field(cls, name: str, message: str, /, **values: object) -> Invalid:
        """``message`` is a catalog's message: ``%(name)s`` marks where each value goes."""
        return cls({name: Message(message, **values)})


class Checks:
    """Runs several field checks and reports every failure at once, not just the first.

    A form with three mistakes should show three messages, not make its user submit three times.
    """

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def run(self, check: Callable[[], T], fallback: T) -> T:
        try:
            return check()
        except Invalid as error:
            for field, message in error.errors.items():
                self.errors.setdefault(field, message)
            return fallback

    def fail(self, field: str, message: str, /, **values: object) -> None:
        self.errors.setdefault(field, Message(message, **values))

    def done(self) -> None:
        if self.errors:
            raise Invalid(self.errors)
