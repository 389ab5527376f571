"""The API against its own OpenAPI document, called over a real socket by schemathesis.

Every operation is called as the document describes it, with data it says is wrong, and with
methods it does not list, by an editor of a feed that has a post and a reader's comment. Each
answer must be no server error, refuse what the document forbids, and have a status, a content
type, headers and a body the document declares for it. The run is fixed (its seed, its number
of examples), so a failure is the same on every machine until the code or the document changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import StopReason, events

from livefeed.access import accounts
from livefeed.discussion import comments
from livefeed.domain.access import FeedRole
from livefeed.outside.fetch_policy import FetchPolicy
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.web.api.openapi.document import spec
from livefeed.web.app import create_app
from livefeed.web.front import StreamFront
from tests.app_server import serving
from tests.factories import join, make_editor, make_feed, make_post, make_user
from tests.other_sites import Resolver

pytestmark = pytest.mark.long

SEED = 20261125
EXAMPLES = 90  # per operation, as generated; the coverage phase's cases come on top
# A feed's portable .zip is bytes like any upload: random ones must be refused as not a zip.
schemathesis.serializer.alias("application/zip", "application/octet-stream")

# The whole run's deadline. Not schemathesis's max-time: given one, it goes on fuzzing until
# the time is up, where without one it fuzzes each operation once.
DEADLINE_SECONDS = 120
REQUEST_SECONDS = 5  # any one answer: the slowest, an upload's renditions, takes a few hundred ms
COLLEAGUE = "bo@newsroom.test"


@dataclass(frozen=True)
class Newsroom:
    """A running server, an editor's token, and what the requests act on there."""

    server: str
    token: str
    post_id: int
    comment_id: int


@pytest.fixture
def server(settings: Settings, svc: Services) -> Iterator[str]:
    """``livefeed serve``'s front on a free loopback port, over the test's database."""
    app = create_app(settings, svc)
    with serving(app, http=StreamFront.serving(app)) as url:
        yield url


@pytest.fixture
def newsroom(server: str, svc: Services) -> Newsroom:
    """A feed with a post, a reader's comment and a second editor, on the running server."""
    editor = make_editor(svc)
    make_feed(svc, editor)
    post = make_post(svc, editor)
    colleague = make_user(svc, COLLEAGUE, name="Bo Editor")
    join(svc, colleague, "summit", FeedRole.EDITOR)
    fields = {"body": "Well put.", "accept_standards": True}
    comment = comments.post_comment(svc, colleague, "summit", fields, address="127.0.0.1")
    # The articles asked for a Read more card are never fetched: no address is admitted, and
    # no name resolves, so each is refused as the page of a site that cannot be reached.
    svc.fetch_policy = FetchPolicy(admits=lambda address: False, resolve=Resolver({}))
    token = accounts.create_token(svc, editor.email, "schemathesis")
    return Newsroom(server, token, post.id, comment.id)


@pytest.mark.timeout(DEADLINE_SECONDS)
def test_the_api_answers_as_its_document_says(newsroom: Newsroom) -> None:
    config = SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            # Nothing kept from one run to the next: each is the same, wherever it runs.
            "cache": {"enabled": False},
            "request-timeout": REQUEST_SECONDS,
            "base-url": newsroom.server,
            "auth": {"openapi": {"bearerToken": {"bearer": newsroom.token}}},
            "generation": {
                "max-examples": EXAMPLES,
                "database": "none",
                # No headers the document does not name: a malformed one (an empty
                # Content-Length, a name with spaces) is refused by uvicorn as bad HTTP before
                # the API could read it, and any other is ignored.
                "allow-extra-parameters": False,
            },
            # Every check schemathesis has is on, but one: positive_data_acceptance wants
            # each request the document allows to succeed, and a JSON Schema cannot hold rules
            # between fields (since= or cursor=, a publish_at only with state scheduled, a
            # retraction sent alone) or rules about the world (a taken slug is 409, but an
            # IANA time zone, a cursor this server gave out, a picture that decodes, an
            # article that can be fetched are each a 422 naming the field).
            "checks": {"positive_data_acceptance": {"enabled": False}},
            "operations": [
                {
                    # A multipart form carries every value as text: a null or an object sent
                    # as an upload's alt arrives as the words "null" or "{…}", which describe
                    # a picture as well as any.
                    "include-path": "/api/v1/media",
                    "checks": {"negative_data_rejection": {"enabled": False}},
                }
            ],
            "phases": {
                # Learning from a 422 which fields are required reads a rule between fields
                # (publish_at, needed with state scheduled only) as one for every request.
                "fuzzing": {"error-feedback": {"enabled": False}},
                # The stateful phase follows a created feed to its posts and team through
                # the path parameters, which are fixed below to the newsroom's own.
                "stateful": {"enabled": False},
            },
            # Every operation acts on the newsroom's own, so each reaches its use case and not
            # only a 404.
            "parameters": {
                "path.slug": "summit",
                "path.post_id": newsroom.post_id,
                "path.comment_id": newsroom.comment_id,
                "path.email": COLLEAGUE,
            },
        }
    )
    schema = schemathesis.openapi.from_dict(spec("http://livefeed.test"), config=config)

    found: list[str] = []
    for event in schemathesis.engine.from_schema(schema).execute():
        found += problems_in(event)

    assert found == [], "\n\n".join(found)


def problems_in(event: events.EngineEvent) -> list[str]:
    """What an event of the run reports as wrong, each with the request that shows it."""
    if isinstance(event, events.ScenarioFinished):
        return [
            f"{event.recorder.label}: {check.failure_info.failure.title}\n"
            f"{check.failure_info.failure.message}\n{check.failure_info.code_sample}"
            for checks in event.recorder.checks.values()
            for check in checks
            if check.failure_info is not None
        ]
    if isinstance(event, events.NonFatalError):
        return [f"{event.label}: {event.info.format()}"]
    if isinstance(event, events.FatalError):
        return [f"the run failed: {event.exception!r}"]
    if isinstance(event, events.EngineFinished):
        stopped = [] if event.stop_reason is StopReason.COMPLETED else [event.stop_reason.value]
        return stopped + [f"{failure.title}: {failure.message}" for failure in event.failures]
    return []
