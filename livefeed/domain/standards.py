"""The community standards: the rules a discussion is held under, written in Markdown.

The site has one text, which its administrators may rewrite; each feed may replace it with
its own. Until an administrator writes one, the site shows the short default below.
"""

from __future__ import annotations

from livefeed.domain.text import clean_text

STANDARDS_LENGTH = 20_000
SITE_STANDARDS = "community_standards"

DEFAULT_STANDARDS = """\
The discussion under each live feed is for talking about the story with other readers.
To keep it worth reading, we ask everyone who comments to follow these standards.

- **Be civil.** Argue with ideas, not people. No insults, threats, harassment or hate
  speech against anyone, including the people in the story.
- **Stay on topic.** Comment on the story being covered. No advertising or spam.
- **Be truthful.** Do not post what you know to be false, and say where a claim comes from.
- **Respect privacy.** Do not post anyone's personal details, and do not pretend to be
  someone else.
- **Keep it legal.** Nothing that breaks the law, infringes copyright or could prejudice
  a trial.

Moderators read comments, often before they appear. They may hold, hide or remove any
comment that breaks these standards, and may suspend accounts that do so repeatedly. Use
*Report* on a comment to draw their attention to it.
"""


def clean_standards(value: object, field: str = "community_standards") -> str:
    return clean_text(value, field, max_length=STANDARDS_LENGTH)
