"""What every handler taking input shares: checked forms, JSON bodies, redirects after a change,
and the form errors a use case reports. Each exists once, so every route refuses bad input alike."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse

from livefeed.domain.errors import Conflict, Invalid, LivefeedError, Message
from livefeed.web import security
from livefeed.web.middleware import MAX_BODY_BYTES

# Pages that show who is on a team, a token or an invitation link are for one person only.
PRIVATE = {"Cache-Control": "private, no-store"}

# No resource nests deeper than a few levels; the parser's stack gives out near a thousand.
MAX_DEPTH = 32
# A JSON string, with the colon after it when it is a key; or a bracket. A string left open
# runs to the end: were its closing quote required, each quote after it would start a scan
# to the end again, and a body of escaped quotes would take hours.
_TOKEN = re.compile(
    r'(?P<string>"[^"\\]*(?:\\.[^"\\]*)*"?)(?P<key>[ \t\n\r]*:)?|[\[\]{}]', re.DOTALL
)
_NOT_JSON = "the request body is not valid JSON"
# JSON can spell a lone surrogate (\udc80) that no UTF-8 text can hold: no database column
# stores it, and no page or problem document could show it back.
_SURROGATE = "holds a lone surrogate (such as \\udc80), which is not Unicode text"


async def checked_form(request: Request) -> FormData:
    """The form, once its CSRF token is checked."""
    # Starlette's own 1 MB cap per field would turn an over-long post into a bare 400 page;
    # BodyLimit already caps the whole request, and the rules name the field that is too long.
    form = await request.form(max_part_size=MAX_BODY_BYTES)
    await security.check_csrf(request, form)
    return form


def text(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


def typed(form: FormData, names: Iterable[str]) -> dict[str, str]:
    """The fields as typed: what the use case checks, and what a refused form shows again."""
    return {name: text(form, name) for name in names}


async def json_object(
    request: Request,
    known: frozenset[str],
    *,
    allow_empty: bool = True,
    nullable: frozenset[str] = frozenset(),
    open_inside: bool = False,
) -> dict[str, Any]:
    """The request's JSON object, refusing keys the resource does not have; no body is ``{}``
    unless ``allow_empty`` is false. Only the (dotted) fields in ``nullable`` may be null.

    Whatever JSON can say that a handler does not expect is refused here as ``Invalid``, naming
    the top-level field that holds it (``body`` when none does), so no route answers a 500.
    A key given twice is refused too: parsers disagree on which value wins, so a proxy or a
    log could read another request than the one acted on. With ``open_inside`` the values
    (another standard's documents) are left to their own reader, nulls included.
    """
    raw = await request.body()
    if allow_empty and not raw.strip():
        return {}
    if raw.strip():
        _check_media_type(request)
    try:
        # Decoded as json.loads decodes bytes, so the depth check reads what the parser will.
        source = raw.decode(json.detect_encoding(raw), "surrogatepass")
    except ValueError:
        raise Invalid.field("body", _NOT_JSON) from None
    deep = _too_deep(source)
    if deep is not None:
        raise Invalid.field(deep, "is nested more than %(most)d levels deep", most=MAX_DEPTH)
    objects = _Objects()
    try:
        body = json.loads(source, object_pairs_hook=objects)
    except ValueError:
        raise Invalid.field("body", _NOT_JSON) from None
    if not isinstance(body, dict):
        raise Invalid.field("body", "the request body must be a JSON object")
    if not all(_is_unicode(key) for key in body):
        raise Invalid.field("body", _SURROGATE)
    faulty = [key for key, value in body.items() if not _is_unicode(value)]
    if faulty:
        raise Invalid(dict.fromkeys(faulty, _SURROGATE))
    twice = objects.given_twice(body)
    if twice is not None:
        raise Invalid.field(twice, "is given more than once")
    unknown = [key for key in body if key not in known]
    if unknown:
        raise Invalid(dict.fromkeys(unknown, "is not a field this resource has"))
    if open_inside:
        # Another standard's documents (ninjs) inside: their own reader checks them.
        return body
    nulls = [path for path, value in _nodes(body, "") if value is None and path not in nullable]
    if nulls:
        raise Invalid(dict.fromkeys(nulls, "cannot be null: leave it out instead"))
    return body


def _check_media_type(request: Request) -> None:
    """A body sent as anything but JSON is refused unread (415), not guessed at: a form or
    plain text a browser may send across sites without asking must never act as a JSON call."""
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    kind, _, subtype = media_type.partition("/")
    if kind != "application" or (subtype != "json" and not subtype.endswith("+json")):
        raise HTTPException(415, "send the body as application/json")


class _Objects:
    """The ``object_pairs_hook`` that builds each JSON object, remembering any given a key twice,
    which ``json`` itself would let the last value win silently."""

    def __init__(self) -> None:
        self._twice: list[tuple[dict[str, Any], str]] = []

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        built: dict[str, Any] = {}
        for key, value in pairs:
            if key in built:
                self._twice.append((built, key))
            built[key] = value
        return built

    def given_twice(self, body: dict[str, Any]) -> str | None:
        """The dotted name of the first key given twice in an object ``body`` still holds (one
        overwritten by its own twin is no longer there to name)."""
        if not self._twice:
            return None
        paths = {id(value): path for path, value in _nodes(body, "") if isinstance(value, dict)}
        for built, key in self._twice:
            if id(built) in paths:
                return _join(paths[id(built)], key)
        return None


def _nodes(value: object, path: str) -> Iterator[tuple[str, object]]:
    """Every value in a parsed body with its dotted field name; a list's items share its name."""
    yield path, value
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _nodes(inner, _join(path, key))
    elif isinstance(value, list):
        for inner in value:
            yield from _nodes(inner, path)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _too_deep(source: str) -> str | None:
    """The top-level key (or ``body``) under which ``source`` nests deeper than MAX_DEPTH.

    Found before parsing, since the parser itself fails on deep nesting with RecursionError,
    which is no ValueError and would be a 500.
    """
    if source.count("[") + source.count("{") <= MAX_DEPTH:
        return None
    depth, key = 0, "body"
    for token in _TOKEN.finditer(source):
        mark = token.group()
        if mark in ("[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                return key
        elif mark in ("]", "}"):
            depth -= 1
        elif depth == 1 and token["key"]:
            key = _field_name(token["string"])
    return None


def _field_name(literal: str) -> str:
    """A key as the problem may name it: one that is not valid text is named ``body``."""
    try:
        name: str = json.loads(literal)
    except ValueError:
        return "body"
    return name if _is_unicode(name) else "body"


def _is_unicode(value: object) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def query_param(request: Request, name: str) -> str | None:
    """An API query parameter, ``None`` when left out. One given empty is refused, not taken
    for its default: each holds a number or a choice, and an empty string is neither."""
    value = request.query_params.get(name)
    if value == "":
        raise Invalid.field(name, "is empty: leave it out for the default")
    return value


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def errors_of(error: LivefeedError) -> dict[str, str]:
    """A refusal as messages by field, for the form that caused it.

    Each is a :class:`Message`, which the templates put into the page's language as they show
    it (web/rendering.py): a reader's page speaks its feed's, whatever the request spoke.
    """
    if isinstance(error, Invalid):
        return {field: _said(message) for field, message in error.errors.items()}
    said = _said(error.args[0] if error.args and isinstance(error.args[0], str) else str(error))
    if isinstance(error, Conflict) and error.field:
        return {error.field: said}
    return {"form": said}


def _said(message: str) -> Message:
    return message if isinstance(message, Message) else Message(message)
