"""The demo feed: a finished-looking story seeded into an empty site, so a first look shows
what Livefeed does rather than an empty home page.

The story, the city and everyone quoted are invented. Everything is written through the same
publishing use cases an editor's desk uses, so the demo passes the same checks, is rendered by
the same Markdown pipeline and fills the event log exactly as real publishing would.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta

from livefeed.access import accounts
from livefeed.distribution import reading
from livefeed.domain.errors import Conflict
from livefeed.domain.feeds import Feed
from livefeed.domain.users import Role, User
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.store import accounts as account_store
from livefeed.store import feeds as feed_store

DESK_EMAIL = "desk@livefeed.local"
# The newest post lands this long before "now", so the feed reads as one that is still moving.
NEWEST_POST_AGE = timedelta(minutes=10)


def seed_demo(svc: Services) -> Feed | None:
    """Seed the demo feed into a site that has no feed yet; None when there already is one.

    Posts are published oldest first, each with the clock set back to its moment in the story,
    so timestamps, ``seq`` order and the event log agree as if the night had happened live.
    """
    with svc.db.read() as conn:
        if feed_store.count(conn):
            return None
    desk = _desk_editor(svc)
    last_minute = max(minute for minute, _ in POSTS)
    start = (
        svc.clock().replace(second=0, microsecond=0)
        - NEWEST_POST_AGE
        - timedelta(minutes=last_minute)
    )
    try:
        feed = publishing.seed_feed(
            _at(svc, start), desk, {**FEED, "coverage_start": start.isoformat()}
        )
    except Conflict:
        # Another instance started on the same empty database and is seeding it right now.
        return None
    for minute, fields in POSTS:
        moment = start + timedelta(minutes=minute)
        publishing.publish_post(_at(svc, moment), desk, feed.slug, fields)
    return reading.get_feed(svc, feed.slug)


def _desk_editor(svc: Services) -> User:
    """The byline of the demo posts: an editor whose random password is never shown to anyone,
    so the account signs posts but opens no door."""
    try:
        return accounts.add_user(
            svc, DESK_EMAIL, secrets.token_urlsafe(24), role=Role.MEMBER, display_name="Newsdesk"
        )
    except Conflict:
        with svc.db.read() as conn:
            found = account_store.get_with_hash(conn, DESK_EMAIL)
        assert found is not None, "the address was taken, so its account exists"
        return found[0]


def _at(svc: Services, moment: datetime) -> Services:
    """The same services with the clock stopped at ``moment``: publishing stamps posts with it."""
    return dataclasses.replace(svc, clock=lambda: moment)


# ---------------------------------------------------------------------------------------------
# The story. Minutes count from the start of coverage; the last post is the newest.

_PLACEHOLDER_CREDIT = "picsum.photos (placeholder)"


def _photo(seed: str) -> str:
    return f"https://picsum.photos/seed/{seed}/1200/800"


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
        "Photos are random placeholders from picsum.photos, so they will not match their "
        "captions. Links lead to example.org, which holds no articles.\n\n"
        "Times are shown in the summit's local time."
    ),
    "tags": ["climate", "summit", "energy", "nordhaven"],
    "timezone": "Europe/Berlin",
    "audio_stream_url": "",
}

POSTS: tuple[tuple[int, Mapping[str, object]], ...] = (
    (
        0,
        {
            "headline": "Welcome to our coverage of the final night of the Nordhaven summit",
            "body": (
                "Good evening. Negotiators from 140 delegations are filing into what is meant "
                "to be the **last session** of two weeks of talks here in Nordhaven.\n\n"
                "Three questions decide whether they leave with a deal:\n\n"
                "- whether the final text commits countries to *transition away* from coal, "
                "oil and gas, or only to reduce their reliance on them;\n"
                "- how much money wealthy economies put into the new "
                "**Coastal Resilience Fund**;\n"
                "- whether countries must return with tougher national targets in 2028 or "
                "wait until 2030.\n\n"
                "Our correspondent Mara Lindqvist is inside the plenary hall; the desk is "
                "following every document the presidency publishes. Stay with us."
            ),
            "tags": ["summit"],
        },
    ),
    (
        6,
        {
            "headline": "Summit president: “We will not leave this hall without an agreement”",
            "body": (
                "Marrow, a hydrologist by training who has chaired the talks since the first "
                "day, gave delegations until the end of the session to close the remaining gaps."
            ),
            "quote.text": (
                "I have asked every delegation to stay in Nordhaven until we finish. Nobody "
                "books a flight home tonight. We will not leave this hall without an agreement."
            ),
            "quote.attribution": "Ilse Marrow, summit president, opening the final session",
            "tags": ["ilse-marrow", "summit"],
        },
    ),
    (
        14,
        {
            "headline": "Inside the plenary hall as the final session opens",
            "body": "The hall is full for the first time since the opening ceremony.",
            "image.url": _photo("plenary"),
            "image.caption": "Delegates take their seats for the closing session.",
            "image.credit": _PLACEHOLDER_CREDIT,
            "image.alt": (
                "A wide conference hall with long rows of desks, delegates taking their seats "
                "under bright ceiling lights."
            ),
            "tags": ["from-the-hall"],
        },
    ),
    (
        22,
        {
            "headline": "Draft text drops the promise to “transition away” from fossil fuels",
            "body": (
                "The draft agreement circulated a few minutes ago by the presidency has "
                "**softened its central line** on fossil fuels.\n\n"
                "The previous version called on countries to *transition away from coal, oil "
                'and gas in energy systems*. The new one asks them only to "reduce reliance on '
                'unabated fossil fuels, in line with national circumstances".\n\n'
                "Several delegations have already said privately that they cannot accept the "
                "change. The presidency has published the "
                "[full draft text](https://example.org/nordhaven/draft-3)."
            ),
            "tags": ["fossil-fuels", "draft-text"],
            "key_event": True,
        },
    ),
    (
        30,
        {
            "headline": "Explainer: why two words can keep 140 delegations up all night",
            "body": (
                "*Phase out*, *phase down*, *transition away*: our climate editor explains how "
                "the wording shapes what each country has to do at home."
            ),
            "read_more.url": "https://example.org/explainers/phase-out-phase-down",
            "read_more.title": (
                "Phase out, phase down, transition away: a guide to climate summit language"
            ),
            "read_more.summary": (
                "A summit declaration cannot be enforced in court, but its words set what "
                "investors, regulators and the next round of talks treat as the direction of "
                "travel. Here is what each phrase commits a country to."
            ),
            "read_more.image_url": _photo("glossary"),
            "tags": ["explainer", "fossil-fuels"],
        },
    ),
    (
        38,
        {
            "headline": "Coastal States Alliance: “We did not travel this far to sign this draft”",
            "body": (
                "The alliance of 39 low-lying and island nations is the largest bloc so far to "
                "reject the new draft outright."
            ),
            "quote.text": (
                "This draft reads as if it was written by people who will never have to move "
                "their grandparents' graves away from the sea. We did not travel sixteen "
                "thousand kilometres to sign it."
            ),
            "quote.attribution": "Tavita Lemalu, lead negotiator for the Coastal States Alliance",
            "tags": ["coastal-states", "draft-text"],
        },
    ),
    (
        47,
        {
            "headline": "Campaigners with lanterns gather on the quay outside the venue",
            "body": (
                "Several hundred people have gathered along the harbour wall outside the "
                "conference centre. Police describe the protest as peaceful."
            ),
            "image.url": _photo("lanterns"),
            "image.caption": "Campaigners hold lanterns and banners on the quay.",
            "image.credit": _PLACEHOLDER_CREDIT,
            "image.alt": (
                "A crowd at dusk holding paper lanterns and hand-painted banners beside a "
                "harbour wall."
            ),
            "tags": ["protest"],
        },
    ),
    (
        55,
        {
            "headline": "What is still on the table: the five sticking points",
            "body": (
                "1. **Fossil fuels**: *transition away* or *reduce reliance*.\n"
                "2. **Money**: how large the Coastal Resilience Fund is, and who pays in.\n"
                "3. **Targets**: new national plans in 2028 or in 2030.\n"
                "4. **Adaptation**: whether there is a global goal with numbers attached.\n"
                "5. **Carbon markets**: the rules for trading credits between countries.\n\n"
                "Negotiators say the first two will decide everything else."
            ),
            "tags": ["explainer"],
        },
    ),
    (
        63,
        {
            "headline": "Plenary suspended as ministers break into small-group talks",
            "body": (
                "Marrow has suspended the plenary and invited heads of delegation into what "
                "negotiators call *huddles*: small circles of ministers on the floor of the "
                "hall, working through the text line by line.\n\n"
                "No time has been given for the session to resume."
            ),
            "tags": ["summit"],
            "key_event": True,
        },
    ),
    (
        72,
        {
            "headline": "Economist: “The finance number matters more than the adjectives”",
            "quote.text": (
                "The wording on fossil fuels gets the headlines, but the finance number decides "
                "whether poorer countries can afford to build anything else. A fund that is "
                "promised but never filled changes nothing on the ground."
            ),
            "quote.attribution": ("Prof. Jonas Vinter, Nordhaven Institute for Climate Economics"),
            "tags": ["analysis", "finance"],
        },
    ),
    (
        81,
        {
            "headline": "Wealthy economies offer to triple the Coastal Resilience Fund",
            "body": (
                "According to two delegates who have seen the proposal, a group of wealthy "
                "economies has offered to raise its pledges to the fund from 40 billion to "
                "**120 billion a year by 2035**.\n\n"
                "Campaign groups put the needs of the most exposed countries closer to 300 "
                "billion a year. *Neither figure has been confirmed by the presidency.*"
            ),
            "tags": ["finance", "coastal-resilience-fund"],
        },
    ),
    (
        90,
        {
            "headline": "Youth campaigners: “Our patience is not a renewable resource”",
            "body": "Generation Tide has held a silent sit-in in the corridor outside the hall.",
            "quote.text": (
                "We were told to be patient at the last summit, and at the one before that. "
                "Our patience is not a renewable resource."
            ),
            "quote.attribution": "Noor Haddad, Generation Tide",
            "tags": ["youth", "protest"],
        },
    ),
    (
        99,
        {
            "headline": "Huddles on the floor: ministers negotiate shoulder to shoulder",
            "image.url": _photo("huddle"),
            "image.caption": "Ministers and negotiators in a tight circle on the plenary floor.",
            "image.credit": _PLACEHOLDER_CREDIT,
            "image.alt": (
                "A tight circle of people in suits leaning in over printed pages in the middle "
                "of a large hall."
            ),
            "tags": ["from-the-hall"],
        },
    ),
    (
        108,
        {
            "headline": "From the hall: tired faces, cold coffee and rumours of a new text",
            "body": (
                "*Mara Lindqvist writes from the plenary hall:*\n\n"
                "The mood on the floor has changed in the last hour. Delegates who were "
                "avoiding each other at the start of the evening are now sharing chairs. The "
                "coffee station has been restocked twice.\n\n"
                'A veteran negotiator told me: "This is the part where everyone pretends they '
                'are about to walk out."'
            ),
            "tags": ["from-the-hall"],
        },
    ),
    (
        117,
        {
            "headline": "New draft restores “transition away” language, with a 2050 horizon",
            "body": (
                "A fourth draft, just published, brings back the commitment to **transition "
                "away from fossil fuels in energy systems**, now tied to reaching net zero "
                "emissions by 2050.\n\n"
                "Read the [fourth draft](https://example.org/nordhaven/draft-4) and our "
                "[side-by-side comparison](https://example.org/nordhaven/draft-3-vs-4)."
            ),
            "tags": ["fossil-fuels", "draft-text"],
            "key_event": True,
        },
    ),
    (
        124,
        {
            "headline": "What changed between the third and fourth drafts",
            "body": (
                "- *Transition away* is **back**, with a 2050 net-zero horizon.\n"
                "- The phrase *in line with national circumstances* is **gone**.\n"
                '- The Coastal Resilience Fund gets "at least 100 billion a year by 2035".\n'
                "- New national targets are due in **2028**, two years earlier than before.\n"
                "- The carbon-market rules are unchanged."
            ),
            "tags": ["draft-text", "explainer"],
        },
    ),
    (
        133,
        {
            "headline": "Fuel exporters say the new text goes too far, too fast",
            "body": (
                "The Producers' Group, which speaks for a dozen fuel-exporting countries, has "
                "asked for the 2050 reference to be removed."
            ),
            "quote.text": (
                "We are being asked to rewrite the future of millions of workers on a few "
                "hours' notice. We want a transition, not a cliff edge."
            ),
            "quote.attribution": "Spokesperson for the Producers' Group",
            "tags": ["fossil-fuels", "producers-group"],
        },
    ),
    (
        142,
        {
            "headline": "Coastal States Alliance signals it could accept the fourth draft",
            "quote.text": (
                "It is not the text we came for. It is a text we can take home and build on."
            ),
            "quote.attribution": "Tavita Lemalu, lead negotiator for the Coastal States Alliance",
            "tags": ["coastal-states", "draft-text"],
        },
    ),
    (
        151,
        {
            "headline": "Why climate deals are almost always done after midnight",
            "body": "While we wait: a look back at how the last ten summits ended.",
            "read_more.url": "https://example.org/analysis/deals-after-midnight",
            "read_more.title": "Why climate deals are almost always done after midnight",
            "read_more.summary": (
                "Summit deadlines are a convention, not a rule. We looked at how the last ten "
                "summits closed, and at what the late hours did to their final texts."
            ),
            "read_more.image_url": _photo("midnight"),
            "tags": ["analysis"],
        },
    ),
    (
        160,
        {
            "headline": "The night shift: interpreters wait for the session to resume",
            "image.url": _photo("booths"),
            "image.caption": "Interpreters in their booths above the plenary hall.",
            "image.credit": _PLACEHOLDER_CREDIT,
            "image.alt": (
                "A row of glass-fronted interpreting booths above a conference floor, headsets "
                "resting on the desks."
            ),
            "tags": ["from-the-hall"],
        },
    ),
    (
        169,
        {
            "headline": "Presidency meets the Producers' Group behind closed doors",
            "body": (
                "Marrow and her team have left the hall for a meeting room with ministers from "
                "the Producers' Group. Delegates say the 2050 date is the last open question."
            ),
            "tags": ["producers-group", "summit"],
        },
    ),
    (
        178,
        {
            "headline": "Plenary to reconvene: Marrow says an agreement is “within reach”",
            "body": (
                "The presidency has called all delegations back to the hall. A fifth and, "
                "Marrow says, **final** draft keeps the 2050 horizon but adds a paragraph on "
                "support for workers in fuel-producing regions."
            ),
            "tags": ["summit", "draft-text"],
            "key_event": True,
        },
    ),
    (
        186,
        {
            "headline": "Compromise on targets: new national plans due in 2028",
            "body": (
                "The final draft keeps the earlier date for new national plans, but lets "
                "countries that are *least developed* file theirs up to a year later."
            ),
            "tags": ["targets"],
        },
    ),
    (
        194,
        {
            "headline": "Delegate objects from the floor over carbon-market rules",
            "body": (
                "A delegate from one of the smaller island states has asked for the floor to "
                "object to the carbon-market paragraph. Marrow has given her five minutes and "
                "asked the room to listen."
            ),
            "tags": ["carbon-markets", "from-the-hall"],
        },
    ),
    (
        201,
        {
            "headline": "Gavel falls: the Nordhaven Accord is adopted",
            "body": (
                "**The Nordhaven Accord has been adopted.** Marrow brought down the gavel after "
                "the objecting delegate said her concerns would be recorded in the report of "
                "the session. The hall rose for a standing ovation that lasted more than a "
                "minute."
            ),
            "image.url": _photo("gavel"),
            "image.caption": "The summit president brings down the gavel on the agreement.",
            "image.credit": _PLACEHOLDER_CREDIT,
            "image.alt": (
                "A woman at a raised podium lifting a wooden gavel, delegates on their feet "
                "applauding in front of her."
            ),
            "tags": ["summit", "nordhaven-accord"],
            "key_event": True,
        },
    ),
    (
        206,
        {
            "headline": "Marrow: “Every country in this hall has agreed where we are going”",
            "quote.text": (
                "For the first time, every country in this hall has agreed in writing where "
                "the world's energy is going. How fast we get there is now up to each of them."
            ),
            "quote.attribution": "Ilse Marrow, summit president, after the gavel",
            "tags": ["ilse-marrow", "nordhaven-accord"],
        },
    ),
    (
        214,
        {
            "headline": "Coastal States negotiator: “The sea did not win this round”",
            "quote.text": (
                "Tonight I will call my mother and tell her the sea did not win this round."
            ),
            "quote.attribution": "Tavita Lemalu, lead negotiator for the Coastal States Alliance",
            "tags": ["coastal-states", "nordhaven-accord"],
        },
    ),
    (
        222,
        {
            "headline": "Campaigners welcome the direction, criticise the pace",
            "body": (
                "Reaction from the groups that have followed the talks:\n\n"
                '- **Generation Tide** called the accord "a door opened, not a room '
                'entered".\n'
                '- **Climate Finance Watch** said the fund figure was *"a floor, not a '
                'ceiling"* and published [its own tracker](https://example.org/finance-tracker)'
                " of pledges.\n"
                "- **Ocean Front** welcomed the 2028 deadline but said the adaptation goal "
                "still has no numbers."
            ),
            "tags": ["reaction", "nordhaven-accord"],
        },
    ),
    (
        231,
        {
            "headline": "What we know so far: the Nordhaven Accord in five points",
            "body": (
                "- Every country commits to **transition away from fossil fuels** in energy "
                "systems, reaching net zero by *2050*.\n"
                "- The **Coastal Resilience Fund** is to reach at least 100 billion a year by "
                "2035.\n"
                "- New national climate plans are due in **2028**; the least developed "
                "countries may file a year later.\n"
                "- A new paragraph promises support for workers in fuel-producing regions.\n"
                "- Carbon-market rules are unchanged; one objection is recorded in the "
                "session report.\n\n"
                "Read the [adopted text](https://example.org/nordhaven/accord)."
            ),
            "tags": ["nordhaven-accord", "explainer"],
            "pinned": True,
        },
    ),
    (
        240,
        {
            "headline": "Analysis: a deal that points the way but sets no speed limit",
            "body": (
                "The accord settles the *direction* of travel. What it does not do is say how "
                "fast any one country must move before 2050, which is where the next fight "
                "will be."
            ),
            "read_more.url": "https://example.org/analysis/nordhaven-accord-direction-not-speed",
            "read_more.title": "The Nordhaven Accord sets a direction, not a speed",
            "read_more.summary": (
                "Our climate editor on what the agreement changes, what it leaves to each "
                "government, and why the 2028 deadline may matter more than the 2050 one."
            ),
            "read_more.image_url": _photo("compass"),
            "tags": ["analysis", "nordhaven-accord"],
        },
    ),
    (
        249,
        {
            "headline": "What happens next",
            "body": (
                "1. Governments take the accord home; most need no vote in parliament to "
                "join it.\n"
                "2. The board of the Coastal Resilience Fund meets for the first time in the "
                "spring.\n"
                "3. New national plans are due in 2028, and will be reviewed at the summit "
                "that year.\n\n"
                "Our [summit guide](https://example.org/nordhaven/guide) has the full calendar."
            ),
            "tags": ["explainer"],
        },
    ),
    (
        258,
        {
            "headline": "Delegates spill out along the harbour",
            "image.url": _photo("harbour"),
            "image.caption": "Delegates walk along the harbour after the closing session.",
            "image.credit": _PLACEHOLDER_CREDIT,
            "image.alt": (
                "People with lanyards and briefcases walking along a harbour front, boats "
                "moored beside them."
            ),
            "tags": ["from-the-hall"],
        },
    ),
    (
        266,
        {
            "headline": "Producers' Group: “We joined the consensus with reservations”",
            "quote.text": (
                "We did not block the accord, because a summit without an agreement helps "
                "nobody. But our reservations on the 2050 date stand, and we will say so at "
                "every meeting from now on."
            ),
            "quote.attribution": "Spokesperson for the Producers' Group",
            "tags": ["producers-group", "reaction"],
        },
    ),
    (
        274,
        {
            "headline": "Business groups: “Now we know what to build”",
            "body": (
                "Industry associations were quick to welcome the accord, saying a clear date "
                "makes long-term investment *easier to justify to shareholders*. Grid "
                "operators asked governments to speed up permits for new lines."
            ),
            "tags": ["reaction", "energy"],
        },
    ),
    (
        282,
        {
            "headline": "From the hall: the cleaners move in",
            "body": (
                "*Mara Lindqvist writes:* The plenary hall is almost empty now. Annotated "
                "copies of four abandoned drafts lie on the desks; a cleaner is stacking them "
                "for recycling. Someone has left a lantern from the protest on the podium."
            ),
            "tags": ["from-the-hall"],
        },
    ),
    (
        290,
        {
            "headline": "That's all from us tonight",
            "body": (
                "Thank you for following the final night of the Nordhaven summit with us. "
                "We will be back with **analysis and reaction** as delegations head home.\n\n"
                "Until then, read our [full report](https://example.org/nordhaven/report) and "
                "the [adopted text](https://example.org/nordhaven/accord)."
            ),
            "tags": ["summit"],
        },
    ),
)
