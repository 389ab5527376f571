"""Logging, configured in one place: every line with its time, level, logger and request id, as
text or as JSON, and nothing secret on any of them.

The request id is set per request (``web/request_log.py``) or per event stream
(``web/front.py``) in a context variable, which worker threads inherit, so a line logged while
serving a request names it wherever it was written from.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from contextvars import ContextVar
from typing import TextIO

from pythonjsonlogger.json import JsonFormatter

REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="-")

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
REDACTED = "[redacted]"

# Shapes a secret takes wherever it could end up in a message or a traceback: a bearer token,
# one of our API tokens, a password in a URL, and ``name=value`` for names that mean a secret.
_SECRETS = (
    (re.compile(r"(?i)\b(bearer)\s+[^\s,;\"']+"), rf"\1 {REDACTED}"),
    (re.compile(r"\blf_[A-Za-z0-9_-]{8,}"), f"lf_{REDACTED}"),
    (re.compile(r"(://[^/\s:@]*:)[^/\s@]+@"), rf"\1{REDACTED}@"),
    (
        re.compile(
            r"(?i)\b((?:new_|current_)?password|passwd|secret|token|session|csrf_token|cookie)"
            r"(\"?'?\s*[:=]\s*\"?'?)[^\s\"'&,;}]+"
        ),
        rf"\1\2{REDACTED}",
    ),
)


# Every shape above holds one of these words: a line with none of them (most lines) is let
# through without four regular expressions' scans.
_CLUES = ("bearer", "lf_", "://", "passw", "secret", "token", "session", "cookie")


def redact(text: str) -> str:
    lowered = text.lower()
    if not any(clue in lowered for clue in _CLUES):
        return text
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class Context(logging.Filter):
    """Adds the request id to each record and blanks anything shaped like a secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):  # given by ``extra`` where no context is
            record.request_id = REQUEST_ID.get()
        # Merged once, here: the formatter then has nothing left to merge.
        record.msg, record.args = redact(record.getMessage()), None
        if record.exc_info:
            # Formatted here, cleaned, and kept as text only, which both formatters print.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class _TextFormatter(logging.Formatter):
    """The text format, its time worded once a second: a busy server writes thousands of
    lines a second, and ``time.strftime`` was a tenth of each."""

    default_msec_format = "%s.%03d"

    def __init__(self, fmt: str) -> None:
        super().__init__(fmt)
        self._second = -1
        self._worded = ""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 (logging's name)
        second = int(record.created)
        if second != self._second:
            self._worded = time.strftime(self.default_time_format, self.converter(second))
            self._second = second
        return self.default_msec_format % (self._worded, record.msecs)


def formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return JsonFormatter(
            "%(levelname)s %(name)s %(request_id)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp=True,
        )
    return _TextFormatter(TEXT_FORMAT)


def configure(log_format: str, *, stream: TextIO | None = None, level: int = logging.INFO) -> None:
    """Send every logger's lines (ours, uvicorn's, the libraries') to one handler on stderr."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter(log_format))
    handler.addFilter(Context())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # No line says where in the code, in which thread or in which process it was written
    # (both formats above): each record is spared finding out (the logging HOWTO's
    # "Optimization"), which was a tenth of an answered revalidation's time.
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        # uvicorn's own handlers would print a second, differently shaped copy of each line.
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
        # A level or a switch-off left by an earlier uvicorn configuration in this process
        # would hide its lines from ours: ``level`` decides for every logger.
        logger.setLevel(logging.NOTSET)
        logger.disabled = False
    # Access lines are ours (web/request_log.py): with the route, the bytes and the request id.
    logging.getLogger("uvicorn.access").disabled = True
