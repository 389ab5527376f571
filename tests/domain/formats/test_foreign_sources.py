"""The WordPress Liveblog, Reddit Live and ninjs readers on fixtures built from each system's
documented format (tests/domain/formats/fixtures), and the problems each names by place."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from livefeed.domain.errors import Invalid
from livefeed.domain.formats import ninjs, reddit_live, wordpress
from livefeed.domain.formats.document import document
from livefeed.domain.portable import check_document

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_liveblog_entries_keep_authors_times_key_events_edits_and_deletions() -> None:
    feed = wordpress.parse(fixture("liveblog.wxr"), NOW)
    assert feed.uri == "https://harbour.example/2026/01/20/storm-elin-live/"
    assert (feed.slug, feed.title) == ("storm-elin-live", "Storm Elin: live")
    assert feed.lead == "Storm Elin reaches the coast tonight, with gusts of up to 140 km/h."
    assert feed.tags == ["Storms"]
    assert feed.people == {
        "mira@harbour.example": "Mira Holt",
        "jonas@harbour.example": "Jonas Berg",
    }
    ferry, warning, power = feed.posts
    # The edit replaced the entry: one post, its first wording kept as an earlier one.
    assert ferry.body == "The ferry to Norholm is cancelled until tomorrow morning."
    assert ferry.published_at == datetime(2026, 1, 20, 16, 5, tzinfo=UTC)
    assert ferry.earlier == [
        (
            datetime(2026, 1, 20, 17, 45, tzinfo=UTC),
            "mira@harbour.example",
            "",
            "The ferry to Norholm is cancelled for the rest of the day.",
        )
    ]
    assert warning.key_event
    assert warning.author == "jonas@harbour.example"
    assert warning.body == (
        "Red warning issued: **stay indoors**, says the "
        "[weather service](https://met.example/warnings)."
    )
    assert power.deleted
    assert power.edited_at == datetime(2026, 1, 20, 18, 20, tzinfo=UTC)
    made = document(feed)
    assert not check_document(made).found
    assert [post["state"] for post in made["posts"]] == ["published", "published", "deleted"]
    assert made["posts"][0]["version"] == 2


def test_a_wxr_declaring_entities_is_refused_before_it_is_parsed() -> None:
    bomb = '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "aaaa">]>\n<rss>&a;</rss>'
    with pytest.raises(Invalid) as refused:
        wordpress.parse(bomb, NOW)
    assert refused.value.errors == {"line 2": "a WXR file declares no document type or entities"}
    with pytest.raises(Invalid) as broken:
        wordpress.parse("<rss>\n<channel>\n</rss>", NOW)
    assert "line 3" in broken.value.errors
    with pytest.raises(Invalid) as empty:
        wordpress.parse("<rss><channel><item><title>A</title></item></channel></rss>", NOW)
    assert "channel" in empty.value.errors


def test_a_reddit_live_thread_keeps_its_updates_and_strikes_become_retractions() -> None:
    feed = reddit_live.parse(fixture("reddit-live.json"), NOW)
    assert feed.uri == "https://www.reddit.com/live/ysrlkpa1cz2n"
    assert feed.title == "Marathon day in Harbour City"
    assert feed.lead == "Updates from the course as the runners go."
    assert not feed.live
    # Three updates: the one repeated across two pages is read once.
    assert [post.published_at.isoformat() for post in feed.posts] == [
        "2026-04-18T09:27:41+00:00",
        "2026-04-18T09:00:00+00:00",
        "2026-04-18T07:00:00+00:00",
    ]
    winner, struck, start = feed.posts
    assert winner.body.startswith("**Winner!** Asha Koros")
    assert winner.author == "harbour_desk@reddit.invalid"
    assert feed.people["runner_tom@reddit.invalid"] == "u/runner_tom"
    assert struck.retraction == (struck.published_at, reddit_live.STRUCK)
    assert start.retraction is None
    made = document(feed)
    assert not check_document(made).found
    assert made["posts"][1]["retraction"]["reason"] == reddit_live.STRUCK


@pytest.mark.parametrize(
    ("change", "place"),
    [
        (lambda d: d.pop("updates"), "about"),
        (lambda d: d["about"]["data"].pop("title"), "about.title"),
        (lambda d: d["updates"][1]["data"]["children"][1]["data"].update(created_utc="noon"),
         "updates[1].children[1].created_utc"),
        (lambda d: d["updates"][0]["data"]["children"][0]["data"].update(stricken="yes"),
         "updates[0].children[0].stricken"),
    ],
)  # fmt: skip
def test_a_reddit_file_with_a_problem_names_its_place(change: object, place: str) -> None:
    data = json.loads(fixture("reddit-live.json"))
    change(data)  # type: ignore[operator]
    with pytest.raises(Invalid) as refused:
        reddit_live.parse(json.dumps(data), NOW)
    assert place in refused.value.errors


def test_ninjs_versions_become_edits_corrections_and_retractions() -> None:
    feed = ninjs.parse(fixture("ninjs.json"), NOW)
    quake, tsunami, bridge = feed.posts
    assert quake.uri == "urn:newsml:wire.example:20260301:quake-1"
    assert quake.headline == "Earthquake of magnitude 5.8 strikes off the coast"
    assert quake.body == "An earthquake of magnitude 5.8 struck 40 km off the coast at 06:05."
    assert quake.published_at == datetime(2026, 3, 1, 6, 12, tzinfo=UTC)
    assert quake.earlier[0][2] == "Earthquake of magnitude 6.1 strikes off the coast"
    assert quake.correction == (
        datetime(2026, 3, 1, 6, 40, tzinfo=UTC),
        "Corrects magnitude to 5.8, from 6.1",
    )
    assert tsunami.body == "The coastguard said no tsunami was expected.\n\nFerries run as normal."
    # Withdrawn, with the wire's reason; the post keeps the words it had.
    assert bridge.body == "The north bridge is closed."
    assert bridge.retraction == (
        datetime(2026, 3, 1, 7, 30, tzinfo=UTC),
        "Withdrawn: the bridge was never closed",
    )
    made = document(feed)
    assert not check_document(made).found
    assert made["posts"][0]["corrections"][0]["note"] == "Corrects magnitude to 5.8, from 6.1"
    assert made["keywords"] == ["earthquake", "coast"]
    single = ninjs.parse(json.dumps(json.loads(fixture("ninjs.json"))[2]), NOW)
    assert [post.headline for post in single.posts] == ["No tsunami expected, says the coastguard"]


@pytest.mark.parametrize(
    ("item", "place"),
    [
        ({"headlines": [{"value": "A"}]}, "[0].uri"),
        ({"uri": "u", "version": "two", "versioncreated": "2026-03-01T07:00:00Z"}, "[0].version"),
        ({"uri": "u", "versioncreated": "yesterday"}, "[0].versioncreated"),
        (
            {"uri": "u", "versioncreated": "2026-03-01T07:00:00", "headlines": []},
            "[0].versioncreated",
        ),
        ({"uri": "u", "versioncreated": "2026-03-01T07:00:00Z", "bodies": "text"}, "[0].bodies"),
        (
            {"uri": "u", "versioncreated": "2026-03-01T07:00:00Z", "pubstatus": "gone"},
            "[0].pubstatus",
        ),
    ],
)
def test_a_malformed_ninjs_field_is_named(item: dict[str, object], place: str) -> None:
    with pytest.raises(Invalid) as refused:
        ninjs.parse(json.dumps([item]), NOW)
    assert place in refused.value.errors
    with pytest.raises(Invalid) as broken:
        ninjs.parse('[\n{"uri": }', NOW)
    assert "line 2" in broken.value.errors
