"""How a failure reads: one line on stderr, naming what is at fault, never a traceback.

Every command runs inside :func:`reported` (the ``livefeed`` group sees to it), so a command
lets whatever it meets rise and still fails the same way as every other.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

import click
from click.exceptions import NoArgsIsHelpError
from sqlalchemy.exc import OperationalError

from livefeed.domain.errors import Conflict, Invalid, LivefeedError
from livefeed.languages.catalogs import _, translate
from livefeed.settings import SettingsError


class Failure(click.ClickException):
    """A user error: one line on stderr, exit status 1, no traceback."""

    def show(self, file: IO[Any] | None = None) -> None:
        line = " ".join(part.strip() for part in self.message.splitlines() if part.strip())
        click.echo(f"livefeed: error: {line}", err=True)


class Interrupted(Failure):
    """Ctrl-C: 130 is what a shell reports for a command stopped by SIGINT (128 + 2)."""

    exit_code = 130

    def __init__(self) -> None:
        super().__init__(_("interrupted"))


@contextmanager
def reported() -> Iterator[None]:
    """Whatever a user can cause, from a mistyped option to a full disk, as a :class:`Failure`.

    Anything else is a bug in Livefeed, and keeps its traceback for whoever reports it.
    """
    try:
        yield
    except Failure:
        raise
    except click.UsageError as error:
        raise Failure(usage(error)) from None
    except click.Abort:
        raise Failure(_("aborted")) from None
    except (LivefeedError, SettingsError) as error:
        raise Failure(describe(error)) from None
    except OperationalError as error:
        raise Failure(
            _("cannot reach the database: %(reason)s", reason=error.orig or error)
        ) from None
    except UnicodeDecodeError as error:
        raise Failure(_("cannot read a file: %(reason)s", reason=why(error))) from None
    except BrokenPipeError:
        # Whoever read our output (`| head`) has all it wanted: click ends quietly.
        raise
    except OSError as error:
        reason = why(error)
        raise Failure(f"{error.filename}: {reason}" if error.filename else reason) from None
    except KeyboardInterrupt:
        raise Interrupted() from None


def describe(error: LivefeedError | SettingsError) -> str:
    """The message for one error, naming the field at fault when there is one."""
    if isinstance(error, Invalid):
        return "; ".join(
            f"{field}: {translate(message)}" for field, message in error.errors.items()
        )
    said = error.args[0] if error.args and isinstance(error.args[0], str) else str(error)
    if isinstance(error, Conflict) and error.field:
        return f"{error.field}: {translate(said)}"
    return translate(said)


def usage(error: click.UsageError) -> str:
    """Click's complaint, and where the right way is told, in place of its usage block."""
    if isinstance(error, NoArgsIsHelpError):
        message = _("missing command")
    else:
        message = _tail(error.format_message())
    if error.ctx is None:
        return message
    return _(
        "%(problem)s (see %(command)s --help)", problem=message, command=error.ctx.command_path
    )


def why(error: OSError | UnicodeDecodeError) -> str:
    """Why a file could not be read or written, as the end of a sentence."""
    if isinstance(error, UnicodeDecodeError):
        return _("not UTF-8 (%(reason)s at offset %(at)s)", reason=error.reason, at=error.start)
    return _tail(error.strerror or str(error))


def _tail(sentence: str) -> str:
    """A sentence from click or the system ("No such option: --x.") to end one of ours."""
    return sentence[:1].lower() + sentence[1:].removesuffix(".")
