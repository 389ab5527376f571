"""The anonymous feed page, its documents and the poll's answers given from what the app last
answered for their query and validator: the same bytes and headers as the app's own answer,
compressed or not as asked, never someone's own page, and given afresh as soon as the feed
changes."""

from __future__ import annotations

import gzip
import logging

import pytest
from starlette.testclient import TestClient

from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.web.app import create_app
from livefeed.web.reader.early_answers import HeldAnswer, for_everyone
from tests.factories import make_feed, make_post
from tests.web.reader.test_early_answers import headers_of, passed_on
from tests.web.test_metrics import TOKEN, scrape

PAGE = "/feeds/summit"
PLAIN = {"Accept-Encoding": "identity"}
GZIP = {"Accept-Encoding": "gzip, deflate, br"}


@pytest.fixture
def feed(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    make_post(svc, editor, headline="Talks resume", body="Delegates are back. " * 40)


def without_date(response: object) -> list[tuple[str, str]]:
    return [(k, v) for k, v in headers_of(response) if k != "date"]  # type: ignore[arg-type]


@pytest.mark.usefixtures("feed")
@pytest.mark.parametrize("asked", [PLAIN, GZIP], ids=["identity", "gzip"])
def test_the_held_page_is_the_apps_own_answer(
    client: TestClient, routed: TestClient, asked: dict[str, str]
) -> None:
    seen = passed_on(client)
    first = client.get(PAGE, headers=asked)
    held = [client.get(PAGE, headers=asked) for _ in range(3)]
    there = routed.get(PAGE, headers=asked)
    assert seen == [PAGE]
    for answer in held:
        assert answer.status_code == 200
        assert without_date(answer) == without_date(first) == without_date(there)
        assert answer.content == there.content
        assert "Talks resume" in answer.text
        assert answer.headers["x-request-id"] != first.headers["x-request-id"]
    encoding = first.headers.get("content-encoding")
    assert encoding == ("gzip" if asked is GZIP else None)


@pytest.mark.usefixtures("feed")
def test_each_encoding_and_each_query_is_held_apart(client: TestClient) -> None:
    seen = passed_on(client)
    plain = client.get(PAGE, headers=PLAIN)
    packed = client.get(PAGE, headers=GZIP)
    assert packed.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    oldest = client.get(PAGE + "?order=oldest", headers=PLAIN)
    assert oldest.headers["etag"] != plain.headers["etag"]
    again = [client.get(PAGE, headers=PLAIN), client.get(PAGE, headers=GZIP)]
    again.append(client.get(PAGE + "?order=oldest", headers=PLAIN))
    assert [a.headers.get("content-encoding") for a in again] == [None, "gzip", None]
    assert [a.headers["etag"] for a in again] == [
        plain.headers["etag"], packed.headers["etag"], oldest.headers["etag"],
    ]  # fmt: skip
    assert seen == [PAGE, PAGE, PAGE]


def test_a_new_post_is_on_the_next_page_given(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    make_post(svc, editor, headline="Talks resume")
    seen = passed_on(client)
    before = client.get(PAGE, headers=PLAIN)
    assert client.get(PAGE, headers=PLAIN).headers["etag"] == before.headers["etag"]
    make_post(svc, editor, headline="A deal is near")
    after = client.get(PAGE, headers=PLAIN)
    assert "A deal is near" in after.text
    assert after.headers["etag"] != before.headers["etag"]
    assert len(seen) == 2


@pytest.mark.usefixtures("feed")
def test_a_signed_in_page_is_neither_given_nor_kept(client: TestClient, desk: TestClient) -> None:
    anonymous = TestClient(client.app)
    for _ in range(2):
        reader = anonymous.get(PAGE, headers=PLAIN)
        assert "New post" not in reader.text
    seen = passed_on(client)
    for _ in range(2):
        own = desk.get(PAGE, headers=PLAIN)
        assert own.headers["cache-control"] == "private, no-store"
        assert "New post" in own.text
    assert seen == [PAGE, PAGE]
    after = anonymous.get(PAGE, headers=PLAIN)
    assert "New post" not in after.text
    assert after.content == reader.content


@pytest.mark.usefixtures("feed")
def test_a_head_request_and_an_unknown_feed_go_to_the_route(client: TestClient) -> None:
    client.get(PAGE, headers=PLAIN)
    seen = passed_on(client)
    head = client.head(PAGE, headers=PLAIN)
    assert head.status_code == 200
    assert head.content == b""
    missing = [client.get("/feeds/nowhere", headers=PLAIN) for _ in range(2)]
    assert [m.status_code for m in missing] == [404, 404]
    assert seen == [PAGE, "/feeds/nowhere", "/feeds/nowhere"]


@pytest.mark.usefixtures("feed")
def test_a_held_page_is_logged_and_counted_as_its_routes(
    settings: Settings, svc: Services, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(settings.replace(metrics_token=TOKEN), svc)
    with TestClient(app, follow_redirects=False) as measured:
        first = measured.get(PAGE, headers=PLAIN)
        labels = (("method", "GET"), ("route", "/feeds/{slug}"), ("status", "200"))
        counted = ("livefeed_http_request_duration_seconds_count", labels)
        before = scrape(measured).get(counted, 0)
        with caplog.at_level(logging.INFO, "livefeed.access"):
            held = measured.get(PAGE, headers=PLAIN)
        assert held.content == first.content
        assert scrape(measured)[counted] == before + 1
    [line] = [r for r in caplog.records if r.name == "livefeed.access"]
    assert line.getMessage().startswith("GET /feeds/{slug} 200 ")
    assert line.getMessage().endswith(f" {len(first.content)}B")


def test_only_a_public_page_with_its_validator_and_no_cookie_is_kept() -> None:
    etag = 'W/"1-2-abc"'
    public = [(b"etag", etag.encode()), (b"cache-control", b"public, max-age=5")]
    assert for_everyone(public, etag)
    assert not for_everyone(public, 'W/"1-3-abc"')
    assert not for_everyone([*public, (b"set-cookie", b"lf_csrf=x")], etag)
    assert not for_everyone([(b"etag", etag.encode()), (b"cache-control", b"private")], etag)
    assert not for_everyone([(b"cache-control", b"public, max-age=5")], etag)


def test_a_held_answer_is_sized_by_its_body_and_headers() -> None:
    body = gzip.compress(b"page " * 100)
    answer = HeldAnswer([(b"etag", b'"1"')], body)
    assert len(answer) == len(body) + len(b"etag") + len(b'"1"')


def test_the_polls_answers_and_the_documents_are_held_by_query(
    client: TestClient, routed: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    for number in range(3):
        make_post(svc, editor, headline=f"Update {number}")
    paths = [
        "/feeds/summit/updates?since=1",
        "/feeds/summit/updates?since=2",
        "/feeds/summit/feed.atom",
        "/feeds/summit/feed.json",
    ]
    seen = passed_on(client)
    first = {path: client.get(path, headers=GZIP) for path in paths}
    again = {path: client.get(path, headers=GZIP) for path in paths}
    assert seen == [path.split("?")[0] for path in paths]
    for path in paths:
        there = routed.get(path, headers=GZIP)
        assert again[path].status_code == 200
        assert again[path].content == first[path].content == there.content
        assert without_date(again[path]) == without_date(there)
    since_one = again["/feeds/summit/updates?since=1"].json()["events"]
    since_two = again["/feeds/summit/updates?since=2"].json()["events"]
    assert len(since_one) == len(since_two) + 1
    make_post(svc, editor, headline="Update 3")
    assert len(client.get(paths[0], headers=GZIP).json()["events"]) == len(since_one) + 1


@pytest.mark.usefixtures("feed")
def test_an_answer_to_a_request_with_cookies_is_given_but_never_kept(client: TestClient) -> None:
    seen = passed_on(client)
    cookies = PLAIN | {"Cookie": "lf_csrf=a-readers-own; theme=dark"}
    with_cookies = [client.get(PAGE, headers=cookies) for _ in range(2)]
    assert seen == [PAGE, PAGE]
    plain = client.get(PAGE, headers=PLAIN)
    assert seen == [PAGE, PAGE, PAGE]
    assert client.get(PAGE, headers=cookies).content == plain.content == with_cookies[0].content
    assert seen == [PAGE, PAGE, PAGE]
