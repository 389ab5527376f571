"""The first hours of the demo's night: a weakened draft, a bloc ready to walk out, the
plenary suspended. Apart from the rest of the story only to keep each module short."""

from __future__ import annotations

from collections.abc import Mapping

from livefeed.demo.photos import PLACEHOLDER_CREDIT, photo

DEADLOCK: tuple[tuple[int, Mapping[str, object]], ...] = (
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
            "image.url": photo("plenary"),
            "image.caption": "Delegates take their seats for the closing session.",
            "image.credit": PLACEHOLDER_CREDIT,
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
            "read_more.image_url": photo("glossary"),
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
            "image.url": photo("lanterns"),
            "image.caption": "Campaigners hold lanterns and banners on the quay.",
            "image.credit": PLACEHOLDER_CREDIT,
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
            "image.url": photo("huddle"),
            "image.caption": "Ministers and negotiators in a tight circle on the plenary floor.",
            "image.credit": PLACEHOLDER_CREDIT,
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
)
