"""How far the newsroom stands behind a post: its verification state, source and sourcing note.

A live feed reports claims before they are settled. Each post says whether it is confirmed,
unconfirmed or disputed (or retracted, which only a retraction with its reason makes), where it
came from and, in a short note, on whose word ("According to the Kremlin spokesman"). Readers
see a label on what is not confirmed, and may choose to read confirmed posts only.

Confirming is the editors' call: a contributor may say a claim is unconfirmed or disputed, never
that the newsroom stands behind it.
"""

from __future__ import annotations

from enum import StrEnum

from livefeed.domain.errors import N_, Forbidden, Invalid
from livefeed.domain.text import clean_line

SOURCING_LENGTH = 300
_RETRACT = "retract the post, with its reason, to mark it retracted"


class Verification(StrEnum):
    UNVERIFIED = "unverified"
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"
    RETRACTED = "retracted"

    @property
    def label(self) -> str:
        """The word readers see for it."""
        return _LABELS[self]

    @property
    def flagged(self) -> bool:
        """Whether readers are shown a label for it (retraction has its own notice)."""
        return self in (Verification.UNVERIFIED, Verification.DISPUTED)


_LABELS = {
    Verification.UNVERIFIED: N_("Unconfirmed"),
    Verification.CONFIRMED: N_("Confirmed"),
    Verification.DISPUTED: N_("Disputed"),
    Verification.RETRACTED: N_("Retracted"),
}

# What an editor or a feed's default may set; "retracted" comes only with a retraction's reason.
SETTABLE = (Verification.UNVERIFIED, Verification.CONFIRMED, Verification.DISPUTED)


class SourceType(StrEnum):
    OUR_REPORTER = "our reporter"
    AGENCY = "agency"
    OFFICIAL_STATEMENT = "official statement"
    EYEWITNESS = "eyewitness"
    SOCIAL_MEDIA = "social media"
    OTHER = "other"


# The compose form offers a source by its value, capitalized and translated: these put each
# in the catalogs.
SOURCE_TYPE_NAMES = {
    SourceType.OUR_REPORTER: N_("Our reporter"),
    SourceType.AGENCY: N_("Agency"),
    SourceType.OFFICIAL_STATEMENT: N_("Official statement"),
    SourceType.EYEWITNESS: N_("Eyewitness"),
    SourceType.SOCIAL_MEDIA: N_("Social media"),
    SourceType.OTHER: N_("Other"),
}


def parse_verification(
    value: object, field: str = "verification", *, as_it_is: bool = False
) -> Verification | None:
    """A state an editor may set; ``None`` when none was given (the feed's default applies).

    ``as_it_is``: a post's fields read back as they are, where a retracted post says so; the
    use cases then refuse "retracted" for any post not retracted (:func:`check_may_set`)."""
    if value is None or value == "":
        return None
    names = [state.value for state in SETTABLE]
    text = value.strip().lower() if isinstance(value, str) else None
    if text == Verification.RETRACTED.value:
        if as_it_is:
            return Verification.RETRACTED
        raise Invalid.field(field, _RETRACT)
    if text not in names:
        raise Invalid.field(
            field, "must be %(some)s or %(last)s", some=", ".join(names[:-1]), last=names[-1]
        )
    return Verification(text)


def parse_source_type(value: object, field: str = "source_type") -> SourceType | None:
    if value is None or value == "":
        return None
    names = [kind.value for kind in SourceType]
    text = (
        " ".join(value.strip().lower().replace("_", " ").split()) if isinstance(value, str) else ""
    )
    if text not in names:
        raise Invalid.field(field, "must be one of: %(kinds)s", kinds=", ".join(names))
    return SourceType(text)


def parse_sourcing(value: object, field: str = "sourcing") -> str:
    return clean_line(value, field, max_length=SOURCING_LENGTH)


def initial_state(
    asked: Verification | None, feed_default: Verification, *, may_confirm: bool
) -> Verification:
    """The state of a new post: what its author asked for, or the feed's default. Someone who
    may not confirm gets "unverified" where the default would have confirmed their post."""
    if asked is not None:
        check_may_set(asked, may_confirm=may_confirm)
        return asked
    if feed_default is Verification.CONFIRMED and not may_confirm:
        return Verification.UNVERIFIED
    return feed_default


def check_may_set(state: Verification, *, may_confirm: bool) -> None:
    if state is Verification.RETRACTED:
        raise Invalid.field("verification", _RETRACT)
    if state is Verification.CONFIRMED and not may_confirm:
        raise Forbidden("only the feed’s editors can mark a post confirmed")


def announcement(state: Verification) -> str:
    """What the page's live region says when a post moves to ``state``."""
    return f"Now {state.label.lower()}"
