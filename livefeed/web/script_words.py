"""The scripts' words in each language: ``/words/ru.3f2a1b9c04.json``, kept by browsers for a
year since new words make a new name, and ``/words/ru.json``, briefly cacheable, for what asks
by language. A page carries its own language's words in itself (``script_words`` in the
templates), so its scripts speak from the first moment without a request.
"""

from __future__ import annotations

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from livefeed.domain.errors import NotFound
from livefeed.languages import catalogs
from livefeed.languages.script_words import ScriptWords, script_words
from livefeed.web.static_files import BY_NAME, IMMUTABLE

MEDIA_TYPE = "application/json"


def _escaped(words: ScriptWords) -> str:
    # "<", ">" and "&" as JSON escapes: the words cannot end the <script> that holds them.
    text = words.body.decode()
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def in_page() -> Markup:
    """The words of the language spoken, for ``<script type="application/json">``; none in
    the language the scripts are written in."""
    language = catalogs.current_catalog()
    if language == catalogs.SOURCE:
        return Markup("")
    return Markup(_escaped(script_words(language)))  # noqa: S704 (escaped for a script element)


async def words(request: Request) -> Response:
    name: str = request.path_params["name"]
    language, _dot, version = name.removesuffix(".json").partition(".")
    try:
        if not name.endswith(".json"):
            raise LookupError(name)
        found = script_words(language)
    except LookupError:
        raise NotFound("there are no words in that language") from None
    if version and version != found.version:
        raise NotFound("these words have changed since: the page links to their new name")
    cache = IMMUTABLE if version else BY_NAME
    return Response(found.body, media_type=MEDIA_TYPE, headers={"Cache-Control": cache})


routes = [Route("/words/{name:str}", words, methods=["GET"])]
