"""Packing text into chunks that fit a model's window, counted by the model's own tokenizer.

Consecutive pieces (sentences, or earlier summaries) are joined greedily while their summed token
counts fit `max_tokens`; a piece longer than the window alone is cut into word windows, so no text
is dropped. Counts of pieces are added, which can differ from the count of the joined text by a
token at a seam; callers keep a few tokens of margin.
"""

from __future__ import annotations

from collections.abc import Callable


def pack_by_tokens(
    pieces: list[str], count_tokens: Callable[[str], int], max_tokens: int
) -> list[str]:
    """Join consecutive `pieces` into chunks of at most `max_tokens` tokens each."""
    if max_tokens < 1:
        raise ValueError(f"max_tokens must be at least 1, got {max_tokens}")
    chunks: list[str] = []
    current: list[str] = []
    current_tokens = 0
    for piece in pieces:
        tokens = count_tokens(piece)
        parts = (
            [(piece, tokens)]
            if tokens <= max_tokens
            else _split_words(piece, count_tokens, max_tokens)
        )
        for part, part_tokens in parts:
            if current and current_tokens + part_tokens > max_tokens:
                chunks.append(" ".join(current))
                current, current_tokens = [], 0
            current.append(part)
            current_tokens += part_tokens
    if current:
        chunks.append(" ".join(current))
    return chunks


def _split_words(
    piece: str, count_tokens: Callable[[str], int], max_tokens: int
) -> list[tuple[str, int]]:
    """Cut an overlong piece into runs of whole words of at most `max_tokens` tokens."""
    windows: list[tuple[str, int]] = []
    words: list[str] = []
    tokens = 0
    for word in piece.split():
        word_tokens = min(count_tokens(word), max_tokens)
        if words and tokens + word_tokens > max_tokens:
            windows.append((" ".join(words), tokens))
            words, tokens = [], 0
        words.append(word)
        tokens += word_tokens
    if words:
        windows.append((" ".join(words), tokens))
    return windows
