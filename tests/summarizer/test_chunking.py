"""Specification of packing text into token-counted chunks."""

from __future__ import annotations

import pytest

from summarizer.chunking import pack_by_tokens


def count_words(text: str) -> int:
    return len(text.split())


def test_joins_consecutive_pieces_while_they_fit() -> None:
    pieces = ["one two three.", "four five.", "six seven eight nine.", "ten."]

    assert pack_by_tokens(pieces, count_words, 5) == [
        "one two three. four five.",
        "six seven eight nine. ten.",
    ]


def test_cuts_a_piece_longer_than_the_window_into_word_windows() -> None:
    chunks = pack_by_tokens(["short.", " ".join(f"w{i}" for i in range(12))], count_words, 5)

    assert all(count_words(chunk) <= 5 for chunk in chunks)
    assert " ".join(chunks).split() == ["short.", *(f"w{i}" for i in range(12))]


def test_no_pieces_give_no_chunks() -> None:
    assert pack_by_tokens([], count_words, 5) == []


def test_a_window_below_one_token_is_refused() -> None:
    with pytest.raises(ValueError, match="max_tokens"):
        pack_by_tokens(["a."], count_words, 0)
