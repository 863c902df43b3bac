"""Choosing and building a summarizer backend by name (the bot's settings pick one)."""

from __future__ import annotations

from summarizer.abstractive import DEFAULT_SEQ2SEQ_MODEL, Seq2SeqSummarizer
from summarizer.base import Summarizer
from summarizer.encoder import SentenceEncoder
from summarizer.extractive import ExtractiveSummarizer
from summarizer.instruct import DEFAULT_INSTRUCT_PROMPT, InstructSummarizer

BACKENDS = ("extractive", "seq2seq", "instruct")


def load_summarizer(
    backend: str,
    *,
    model: str | None,
    encoder: SentenceEncoder | None,
    sentences: int = 3,
    max_new_tokens: int = 160,
    prompt: str = DEFAULT_INSTRUCT_PROMPT,
) -> Summarizer:
    """Build the summarizer `backend` names; its model loads lazily, on first use.

    "extractive" (the default) picks `sentences` sentences with `encoder` and ignores `model`.
    "seq2seq" generates up to `max_new_tokens` tokens per chunk with `model`, a Hugging Face
    seq2seq model id or local directory (default sshleifer/distilbart-cnn-12-6).
    "instruct" prompts `model`, a causal LM id or local directory (required), with `prompt`.
    The generative backends fall back to the extractive summary (with `encoder`, when given)
    for a summary that names numbers or names the article does not.
    """
    if backend not in BACKENDS:
        raise ValueError(
            f"Unknown summarizer backend {backend!r}; valid backends: {', '.join(BACKENDS)}"
        )
    extractive = ExtractiveSummarizer(encoder, sentences=sentences) if encoder else None
    if backend == "seq2seq":
        return Seq2SeqSummarizer(
            model or DEFAULT_SEQ2SEQ_MODEL, max_new_tokens=max_new_tokens, fallback=extractive
        )
    if backend == "instruct":
        if not model:
            raise ValueError(
                "The instruct backend needs summarizer_model: a causal LM id or local directory, "
                "e.g. Qwen/Qwen2.5-0.5B-Instruct"
            )
        return InstructSummarizer(
            model, prompt=prompt, max_new_tokens=max_new_tokens, fallback=extractive
        )
    if extractive is None:
        raise ValueError("The extractive backend needs a sentence encoder")
    return extractive
