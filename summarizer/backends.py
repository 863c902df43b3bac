"""Choosing and building a summarizer backend by name (the bot's settings pick one)."""

from __future__ import annotations

from summarizer.abstractive import DEFAULT_SEQ2SEQ_MODEL, Seq2SeqSummarizer
from summarizer.base import Summarizer
from summarizer.encoder import SentenceEncoder
from summarizer.extractive import ExtractiveSummarizer

BACKENDS = ("extractive", "seq2seq")


def load_summarizer(
    backend: str,
    *,
    model: str | None,
    encoder: SentenceEncoder,
    sentences: int = 3,
    max_new_tokens: int = 160,
) -> Summarizer:
    """Build the summarizer `backend` names; its model loads lazily, on first use.

    "extractive" (the default) picks `sentences` sentences with `encoder` and ignores `model`.
    "seq2seq" generates up to `max_new_tokens` tokens per chunk with `model`, a Hugging Face
    seq2seq model id or local directory (default sshleifer/distilbart-cnn-12-6).
    """
    if backend == "extractive":
        return ExtractiveSummarizer(encoder, sentences=sentences)
    if backend == "seq2seq":
        return Seq2SeqSummarizer(model or DEFAULT_SEQ2SEQ_MODEL, max_new_tokens=max_new_tokens)
    raise ValueError(
        f"Unknown summarizer backend {backend!r}; valid backends: {', '.join(BACKENDS)}"
    )
