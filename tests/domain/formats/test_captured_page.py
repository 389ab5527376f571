"""A captured live page read by its structure: the shared sample itself, and the shapes other
agencies' pages take (no indentation, oldest first, a list across midnight, no controls)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from livefeed.domain.errors import Invalid
from livefeed.domain.formats import captured_page
from livefeed.domain.formats.document import Feed
from tests.domain.formats.samples import sample

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


def read(text: str, *, day: date = date(2026, 5, 14), source: str = "https://ex.test/live") -> Feed:
    return captured_page.parse(
        text, slug="veldmark", title="Veldmark votes", day=day, timezone="Europe/Berlin",
        source=source, now=NOW,
    )  # fmt: skip


def test_the_sample_reads_as_the_page_did() -> None:
    feed = read(sample("captured-page.txt"))
    assert feed.lead.startswith("Voters in Veldmark went to the polls on Thursday")
    assert feed.lead.count("\n\n") == 2  # three paragraphs
    # The asterisk that points to the footnote stays an asterisk, not emphasis.
    assert "Coastal Alliance\\* is standing" in feed.lead
    assert "Follow our Live Feed" not in feed.lead + feed.notes
    assert "Listen Live" not in feed.lead
    assert "22:04" not in feed.lead
    assert feed.notes.startswith("\\*The Coastal Alliance was registered as a party")
    assert feed.tags == [
        "Veldmark", "election", "Ana Rusk", "Tomas Oyelaran", "Civic Union",
        "Farmers' and Workers' League",
    ]  # fmt: skip
    assert [post.published_at.strftime("%H:%M") for post in feed.posts] == [
        "23:58", "23:41", "23:20", "23:02", "22:47", "22:31", "22:16", "22:05", "21:12",
    ]  # fmt: skip
    assert all(post.published_at.date() == date(2026, 5, 14) for post in feed.posts)
    assert feed.posts[0].published_at.utcoffset() == BERLIN.utcoffset(datetime(2026, 5, 14))
    concede = feed.posts[0]
    assert concede.headline == 'Rusk Concedes: "The Voters Have Spoken"'
    assert concede.body.startswith('> "I called Tomas Oyelaran a few minutes ago')
    assert concede.body.endswith("until a congress in the autumn.")
    assert feed.posts[1].headline == "League Passes 76 Seats in Commission Projection"
    assert feed.posts[1].body == ""
    turnout = feed.posts[2]
    assert turnout.body == (
        "*Voters queue outside a polling station in Aldburg's old town, Veldmark, 14 May 2026*"
    )
    assert turnout.read_more == {
        "url": "https://ex.test/live",
        "title": "How Veldmark Votes: Everything You Need to Know About the Snap Election",
        "summary": "Parliament's 150 seats are filled from twelve districts by proportional "
        "representation, with a five per cent threshold that applies nationally. Here is how "
        "the count works.",
        "image_url": "",
    }
    video = feed.posts[3]
    assert video.body == ""
    assert video.read_more is not None
    assert video.read_more["title"] == "Tomas Oyelaran Greets Supporters in Aldburg - Video"
    texts = [feed.lead, feed.notes]
    for post in feed.posts:
        texts += [post.headline, post.body, *(post.read_more or {}).values()]
    assert not any("Read more" in text for text in texts)
    assert not any("Community standards" in text or "Discussion" in text for text in texts)


UNINDENTED = """\
Updated 09:15 3 March 2026
Share

Ministers meet in Brussels to agree the budget for the next seven years.

New posts
• 00:40
Talks Break Up Without a Deal
Delegates left the building shortly after midnight.
• 23:55
"We are not there yet," says the chair
"We are close, but we are not there yet," the chair told reporters.
• 23:10
Talks Resume After Dinner
Budget, Brussels, Summit
Comments
"""


def test_a_list_across_midnight_goes_back_a_day_below_the_turn() -> None:
    feed = read(UNINDENTED, day=date(2026, 3, 3))
    when = [post.published_at for post in feed.posts]
    assert when == [
        datetime(2026, 3, 3, 0, 40, tzinfo=BERLIN),
        datetime(2026, 3, 2, 23, 55, tzinfo=BERLIN),
        datetime(2026, 3, 2, 23, 10, tzinfo=BERLIN),
    ]
    assert feed.lead == "Ministers meet in Brussels to agree the budget for the next seven years."
    assert feed.tags == ["Budget", "Brussels", "Summit"]
    assert (
        feed.posts[1].body
        == '> "We are close, but we are not there yet," the chair told reporters.'
    )
    assert feed.posts[2].headline == "Talks Resume After Dinner"
    assert feed.posts[2].body == ""


OLDEST_FIRST = """\
Live: the marathon

The city's marathon starts at nine, with forty thousand runners on the course.

• 23:30
Last Runners Cross the Line
• 00:15
Roads Reopen
The last closed road reopened a quarter of an hour after midnight.
"""


def test_a_list_oldest_first_crosses_into_the_next_day() -> None:
    feed = read(OLDEST_FIRST, day=date(2026, 4, 26))
    assert [post.published_at for post in feed.posts] == [
        datetime(2026, 4, 26, 23, 30, tzinfo=BERLIN),
        datetime(2026, 4, 27, 0, 15, tzinfo=BERLIN),
    ]
    assert feed.tags == []


LEAD = "A lead long enough to be a sentence of the page.\n"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("A lead long enough to be a sentence of the page.\n\n• 25:10\nHeadline\n", 3, "time"),
        (
            "Lead paragraph that is long enough to count.\n• 21:00\n• 20:00\nHeadline\n",
            2,
            "headline",
        ),
        ("Only a lead, with no entries at all, in this file.\n\nAnd more.\n", 3, "no entries"),
        ("Lead.\n• at nine\nHeadline\n", 2, "time"),
        ("A lead long enough to be a sentence of the page.\n• 21:00\nRead more\n", 3, "headline"),
        (
            LEAD + "• 21:00\nHead\nSummary.\nRead more\n",
            5,
            "title",
        ),
        (
            LEAD + "• 21:00\nHead\nRead more\nMore text.\n",
            4,
            "end",
        ),
    ],
)
def test_a_page_it_cannot_read_is_refused_at_its_line(text: str, line: int, words: str) -> None:
    with pytest.raises(Invalid) as refused:
        read(text)
    ((place, message),) = refused.value.errors.items()
    assert place == f"line {line}"
    assert words in message


def test_a_read_more_card_needs_the_page_address() -> None:
    with pytest.raises(Invalid) as refused:
        read(sample("captured-page.txt"), source="")
    assert "--source" in str(refused.value)


AGENCY = """\
Last updated: 14:02 BST, 2 June 2026
Get short URL
Listen Live

Strikes follow a week of failed talks between the rail unions and the operators.

Stay with us for the latest!
*Figures from the operators,
not independently checked

• 13:30
Union Rejects New Offer
Union leaders said the offer "falls short".
Photo: pickets outside Central station
"""


def test_a_lead_that_mentions_following_is_kept_and_a_footnote_runs_over_lines() -> None:
    feed = read(AGENCY, day=date(2026, 6, 2))
    assert feed.lead == (
        "Strikes follow a week of failed talks between the rail unions and the operators."
    )
    assert feed.notes == "\\*Figures from the operators, not independently checked"
    (post,) = feed.posts
    assert post.body == (
        'Union leaders said the offer "falls short".\n\n*Photo: pickets outside Central station*'
    )
