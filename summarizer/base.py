"""The summarizer interface the bot programs against, whatever the backend.

A summary is stored under its summarizer's `model_key`, so a summary is recomputed only when the
model or a setting that changes the output changes.
"""

from __future__ import annotations

from typing import Protocol

from summarizer.embedding import EmbeddedArticle


class Summarizer(Protocol):
    """Turns article text into a short summary.

    `model_key` names the model and every setting that changes the output, e.g.
    "extractive:all-MiniLM-L6-v2:s4:1a2b3c4d". Models load lazily on first use (or on `load()`),
    so constructing a summarizer is cheap. A text without any sentence gets an empty summary,
    not an error: there is nothing to get wrong.
    """

    model_key: str

    def load(self) -> None:
        """Load the model now (raises `ModelLoadError`); later calls do nothing."""
        ...

    def summarize(self, text: str) -> str:
        """Summary of `text`; raises `SummarizationError` when the model fails."""
        ...

    def summarize_many(self, texts: list[str]) -> list[str]:
        """Summaries of `texts`, in order; raises `SummarizationError` when the model fails."""
        ...

    def summarize_embedded(self, articles: list[EmbeddedArticle]) -> list[str]:
        """Summaries of articles embedded once for both summary and topics (the worker's pass);
        a backend that does not use sentence vectors summarizes their text."""
        ...

    def overview(self, summaries: list[str]) -> str:
        """A short overview across several articles' `summaries` (a digest's opening).

        Raises `SummarizationError` when the model fails.
        """
        ...

    def prepare_overview(self, summaries: list[str]) -> None:
        """Do ahead what an overview of any of these `summaries` can reuse (the bot's warm-up
        calls it for the recent period's summaries), or nothing when the backend has no such
        work. Raises `SummarizationError` when the model fails.
        """
        ...
