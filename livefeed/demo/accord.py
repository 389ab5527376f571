"""The rest of the demo's night, from the fourth draft: the gavel, the reactions, the hall
emptying. Apart from the first hours only to keep each module short."""

from __future__ import annotations

from collections.abc import Mapping

from livefeed.demo.photos import PLACEHOLDER_CREDIT, photo

ACCORD: tuple[tuple[int, Mapping[str, object]], ...] = (
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
            "read_more.image_url": photo("midnight"),
            "tags": ["analysis"],
        },
    ),
    (
        160,
        {
            "headline": "The night shift: interpreters wait for the session to resume",
            "image.url": photo("booths"),
            "image.caption": "Interpreters in their booths above the plenary hall.",
            "image.credit": PLACEHOLDER_CREDIT,
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
            "image.url": photo("gavel"),
            "image.caption": "The summit president brings down the gavel on the agreement.",
            "image.credit": PLACEHOLDER_CREDIT,
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
            "read_more.image_url": photo("compass"),
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
            "image.url": photo("harbour"),
            "image.caption": "Delegates walk along the harbour after the closing session.",
            "image.credit": PLACEHOLDER_CREDIT,
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
