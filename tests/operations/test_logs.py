"""The one logging configuration: its line shapes, the request id, and secrets blanked."""

from __future__ import annotations

import io
import json
import logging
import os
from collections.abc import Iterator

import pytest

from livefeed.operations import logs
from livefeed.web.request_log import new_request_id


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    stream = io.StringIO()
    yield stream
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved[0]:
        root.addHandler(handler)
    root.setLevel(saved[1])


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Authorization: Bearer abc.DEF-123_xyz", "abc.DEF-123_xyz"),
        ("token lf_Zx81nQ-wertyuiop_asdfgh given", "Zx81nQ-wertyuiop_asdfgh"),
        ("postgresql://livefeed:hunter2secret@db.internal/livefeed", "hunter2secret"),
        ("redis://:s3cr3t-pass@cache:6379/0", "s3cr3t-pass"),
        ("form {'password': 'correct horse battery'}", "correct"),
        ("password=correct-horse&next=/", "correct-horse"),
        ("new_password: tr0ub4dor", "tr0ub4dor"),
        ("Cookie: lf_session=AbCdEf123456", "AbCdEf123456"),
        ('{"csrf_token": "q9w8e7r6t5"}', "q9w8e7r6t5"),
        ("secret=whsec_0123456789abcdef", "whsec_0123456789abcdef"),
    ],
)
def test_secrets_are_blanked(text: str, secret: str) -> None:
    cleaned = logs.redact(text)
    assert secret not in cleaned
    assert logs.REDACTED in cleaned


def test_ordinary_words_are_left_alone() -> None:
    line = "published scheduled post 12 in summit; the token list has 3 entries"
    assert logs.redact(line) == line


def test_text_lines_carry_time_level_logger_and_request_id(captured: io.StringIO) -> None:
    logs.configure("text", stream=captured)
    token = logs.REQUEST_ID.set("0123456789abcdef")
    try:
        logging.getLogger("livefeed.tests").info("hello %s", "there")
    finally:
        logs.REQUEST_ID.reset(token)
    logging.getLogger("livefeed.tests").warning("outside a request")
    first, second = captured.getvalue().splitlines()
    assert first.endswith(" INFO livefeed.tests [0123456789abcdef] hello there")
    assert first[:4].isdigit()
    assert first[23] == " "
    assert second.endswith(" WARNING livefeed.tests [-] outside a request")


def test_a_traceback_is_cleaned_too(captured: io.StringIO) -> None:
    logs.configure("json", stream=captured)
    try:
        raise RuntimeError("could not log in with password=opensesame99")
    except RuntimeError:
        logging.getLogger("livefeed.tests").exception("failed with Bearer lf_abcdefghijklmnop")
    record = json.loads(captured.getvalue())
    assert "opensesame99" not in captured.getvalue()
    assert "abcdefghijklmnop" not in captured.getvalue()
    assert record["level"] == "ERROR"
    assert record["logger"] == "livefeed.tests"
    assert record["request_id"] == "-"
    assert "RuntimeError" in record["exc_info"]
    assert record["timestamp"].startswith("20")


def test_uvicorn_lines_come_once_through_the_same_handler(captured: io.StringIO) -> None:
    logs.configure("text", stream=captured)
    logging.getLogger("uvicorn.error").info("Started server process")
    logging.getLogger("uvicorn.access").info("the old access line")
    lines = captured.getvalue().splitlines()
    assert len(lines) == 1
    assert " INFO uvicorn.error [-] Started server process" in lines[0]


def test_the_time_worded_once_a_second_is_the_time_of_each_line() -> None:
    ours, plain = logs.formatter("text"), logging.Formatter(logs.TEXT_FORMAT)
    plain.default_msec_format = "%s.%03d"
    base = 1_800_000_000.0
    for created in (base + 0.001, base + 0.999, base + 1.0, base + 0.5, base + 86_400.25):
        record = logging.makeLogRecord({"created": created, "msecs": (created % 1) * 1000})
        assert ours.formatTime(record) == plain.formatTime(record)


def test_request_ids_are_each_their_own_and_a_forked_process_draws_its_own() -> None:
    ids = [new_request_id() for _ in range(1000)]
    assert len(set(ids)) == len(ids)
    assert all(len(i) == 16 and int(i, 16) >= 0 for i in ids)
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child process)
        os.write(writing, new_request_id().encode())
        os._exit(0)
    os.close(writing)
    os.waitpid(child, 0)
    theirs = os.read(reading, 16).decode()
    os.close(reading)
    assert theirs[:8] != ids[0][:8]
