"""The corrections log's word diff, without a database."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from livefeed.domain.corrections_log import Change, Piece, plain_diff, word_diff


def test_only_the_words_that_changed_are_marked() -> None:
    assert word_diff("Ten ministers arrive by train", "Twelve ministers arrive by air") == (
        Piece(Change.REMOVED, "Ten"),
        Piece(Change.ADDED, "Twelve"),
        Piece(Change.SAME, " ministers arrive by "),
        Piece(Change.REMOVED, "train"),
        Piece(Change.ADDED, "air"),
    )


def test_the_plain_form_reads_like_a_word_diff() -> None:
    pieces = word_diff("Smyth resigns", "Smith resigns")
    assert plain_diff(pieces) == "[-Smyth-]{+Smith+} resigns"


def test_nothing_changed_is_one_piece_and_nothing_is_nothing() -> None:
    assert word_diff("Same words", "Same words") == (Piece(Change.SAME, "Same words"),)
    assert word_diff("", "") == ()
    assert word_diff("", "New") == (Piece(Change.ADDED, "New"),)


@given(st.text(), st.text())
def test_the_diff_holds_both_texts_whole(before: str, after: str) -> None:
    pieces = word_diff(before, after)
    assert "".join(p.text for p in pieces if p.change is not Change.ADDED) == before
    assert "".join(p.text for p in pieces if p.change is not Change.REMOVED) == after
