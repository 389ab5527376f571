"""The demo feed's story: the final night of an invented climate summit, told as a newsroom
would tell it live, with every kind of post the feed can show.

The story, the city and everyone quoted are invented. Minutes count from the start of
coverage; the last post is the newest. The posts are kept in two parts, the night before
and after the fourth draft, only so that each module stays short.
"""

from __future__ import annotations

from collections.abc import Mapping

from livefeed.demo.accord import ACCORD
from livefeed.demo.deadlock import DEADLOCK

FEED: Mapping[str, object] = {
    "slug": "climate-summit-night",
    "title": "Nordhaven climate summit: the final night of talks, live",
    "lead": (
        "Negotiators from 140 delegations are meeting for the **final session** of the "
        "Nordhaven climate summit, trying to agree how fast the world moves away from coal, oil "
        "and gas, and who pays for the damage rising seas are already doing.\n\n"
        "The summit president, *Ilse Marrow*, has told delegations that nobody leaves until "
        "there is a deal. Three questions remain open: the wording on fossil fuels, the size of "
        "a new fund for the most exposed coastal countries, and the year by which every country "
        "must come back with tougher targets.\n\n"
        "Follow every development here as it happens, and read our "
        "[guide to the summit](https://example.org/nordhaven/guide) for the background."
    ),
    "notes": (
        "This is a **demonstration feed**. Nordhaven, its summit, the Nordhaven Accord and "
        "everyone quoted here are invented; any resemblance to real people is accidental.\n\n"
        "Photos are drawn for the demo, so they will not match their captions. Links lead "
        "to example.org, which holds no articles.\n\n"
        "Times are shown in the summit's local time."
    ),
    "tags": ["climate", "summit", "energy", "nordhaven"],
    "timezone": "Europe/Berlin",
    "language": "en",
    "audio_stream_url": "",
}

POSTS: tuple[tuple[int, Mapping[str, object]], ...] = (*DEADLOCK, *ACCORD)
