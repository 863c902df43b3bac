"""What every generative backend (seq2seq, instruction model) shares: lazy loading, map-reduce over
long texts, and the faithfulness guard.

Algorithm (map-reduce, so long articles are summarized whole, never cut off)
1. Budget: the tokens of input one generation may take, given by the backend (its window less
   what else the window must hold: special tokens, a prompt, the generated tokens).
2. Map: split the text into sentences, pack consecutive sentences into chunks that fit the budget
   (counted by the model's own tokenizer), and generate a summary of every chunk.
3. Reduce: while more than one summary remains, pack the summaries into budget-sized chunks and
   summarize those. Each summary is capped at half the budget, so every round at least halves
   the number of pieces and the loop ends.
4. Guard: with an extractive `fallback`, a final summary naming numbers or names its source does
   not is replaced by the fallback's summary (see summarizer.faithfulness).

Limits: CPU generation costs seconds per chunk; a single "word" longer than the budget is
truncated; the guard is lexical (an invented fact in lower case passes).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from summarizer.base import Summarizer
from summarizer.chunking import pack_by_tokens
from summarizer.embedding import EmbeddedArticle
from summarizer.errors import ModelLoadError, SummarizationError
from summarizer.faithfulness import guarded
from summarizer.text import split_sentences

log = logging.getLogger(__name__)

MAX_WINDOW_TOKENS = 1024
WINDOW_MARGIN_TOKENS = 8  # token counts of pieces add up to within a few tokens of the whole
GENERATE_BATCH = 4


class GenerativeSummarizer:
    """Base of the backends that generate text with a Hugging Face model on CPU.

    A subclass sets `kind` and implements `_load_model` and `_generate_batch`; it may refine
    `_input_budget`.
    """

    kind = "generative"

    def __init__(
        self, model: str, *, max_new_tokens: int, fallback: Summarizer | None, key: str
    ) -> None:
        if max_new_tokens < 1:
            raise ValueError(f"max_new_tokens must be at least 1, got {max_new_tokens}")
        self.model = model
        self.max_new_tokens = max_new_tokens
        self.fallback = fallback
        name = model.rstrip("/").split("/")[-1]
        guard = ":guarded" if fallback is not None else ""
        self.model_key = f"{self.kind}:{name}:{key}{guard}"
        self._loaded: tuple[Any, Any] | None = None
        self._lock = threading.Lock()

    def load(self) -> None:
        """Load the tokenizer and model now; later calls do nothing."""
        self._tokenizer_and_model()

    def summarize(self, text: str) -> str:
        """The summary of one text (empty for a text without sentences)."""
        summary = self._map_reduce(split_sentences(text))
        if self.fallback is None or not summary:
            return summary
        fallback = self.fallback
        return guarded(summary, text, lambda: fallback.summarize(text), model_key=self.model_key)

    def summarize_many(self, texts: list[str]) -> list[str]:
        """Summaries of `texts`, one after another."""
        return [self.summarize(text) for text in texts]

    def summarize_embedded(self, articles: list[EmbeddedArticle]) -> list[str]:
        """Summaries of the articles' texts (generation does not use their vectors)."""
        return self.summarize_many([article.text for article in articles])

    def overview(self, summaries: list[str]) -> str:
        """A summary generated from the `summaries` together (map-reduce when they are long)."""
        pieces = [s for summary in summaries for s in split_sentences(summary)]
        overview = self._map_reduce(pieces)
        if self.fallback is None or not overview:
            return overview
        fallback = self.fallback
        return guarded(
            overview,
            "\n".join(summaries),
            lambda: fallback.overview(summaries),
            model_key=self.model_key,
        )

    def prepare_overview(self, summaries: list[str]) -> None:
        """The fallback's preparation (generation itself has nothing to do ahead)."""
        if self.fallback is not None:
            self.fallback.prepare_overview(summaries)

    def _map_reduce(self, sentences: list[str]) -> str:
        if not sentences:
            return ""
        budget = self._input_budget()
        chunks = pack_by_tokens(sentences, self._count_tokens, budget)
        while True:
            summaries = self._generate(chunks)
            if len(summaries) == 1:
                return summaries[0]
            shorter = pack_by_tokens(summaries, self._count_tokens, budget)
            if len(shorter) >= len(chunks):
                raise SummarizationError(
                    f"{self.model_key}: summaries of {len(chunks)} chunks did not fit fewer chunks"
                )
            chunks = shorter

    def _tokenizer_and_model(self) -> tuple[Any, Any]:
        if self._loaded is None:
            with self._lock:
                if self._loaded is None:
                    self._loaded = self._load()
        return self._loaded

    def _load(self) -> tuple[Any, Any]:
        from transformers import AutoTokenizer

        location = describe_location(self.model)
        log.info("loading %s model %s from %s", self.kind, self.model, location)
        try:
            tokenizer = AutoTokenizer.from_pretrained(self.model)
            model = self._load_model()
        except Exception as exc:  # from_pretrained raises OSError, ValueError, hub errors...
            raise ModelLoadError(
                f"Could not load {self.kind} model {self.model!r} (looked in {location}): "
                f"{str(exc).rstrip('.')}. "
                "Give the path of a local directory holding the model (save_pretrained), or "
                "let it download once from the Hugging Face hub with HF_HUB_OFFLINE=0."
            ) from exc
        model.to("cpu").eval()
        return tokenizer, model

    def _load_model(self) -> Any:
        """The model itself, from `self.model` (raises what from_pretrained raises)."""
        raise NotImplementedError

    def _window(self) -> int:
        tokenizer, model = self._tokenizer_and_model()
        limits = [MAX_WINDOW_TOKENS, int(tokenizer.model_max_length)]
        positions = getattr(model.config, "max_position_embeddings", None)
        if positions:
            limits.append(int(positions))
        return min(limits)

    def _input_budget(self) -> int:
        """Tokens of text one generation may take."""
        tokenizer, _ = self._tokenizer_and_model()
        budget = self._window() - tokenizer.num_special_tokens_to_add() - WINDOW_MARGIN_TOKENS
        if budget < 2:
            raise ModelLoadError(f"{self.model!r} has a window too small to summarize with")
        return budget

    def _new_tokens(self) -> int:
        """Tokens each generation may add: at most half the budget, so reduce rounds shrink."""
        return max(1, min(self.max_new_tokens, self._input_budget() // 2))

    def _count_tokens(self, text: str) -> int:
        tokenizer, _ = self._tokenizer_and_model()
        return len(tokenizer.encode(text, add_special_tokens=False))

    def _generate(self, chunks: list[str]) -> list[str]:
        """One summary per chunk, generated in small batches, whitespace normalized."""
        summaries: list[str] = []
        try:
            for start in range(0, len(chunks), GENERATE_BATCH):
                decoded = self._generate_batch(chunks[start : start + GENERATE_BATCH])
                summaries.extend(" ".join(text.split()) for text in decoded)
        except Exception as exc:  # torch and generation errors have no common base
            raise SummarizationError(f"{self.model_key} failed to generate: {exc}") from exc
        return summaries

    def _generate_batch(self, chunks: list[str]) -> list[str]:
        """The generated summaries of a few chunks."""
        raise NotImplementedError


def describe_location(model: str) -> str:
    """Where `from_pretrained` looks for `model`, for error messages."""
    if Path(model).expanduser().exists() or model.startswith(("/", ".", "~")):
        return f"the local directory {Path(model).expanduser()}"
    from huggingface_hub import constants

    hub = "offline (HF_HUB_OFFLINE=1)" if constants.HF_HUB_OFFLINE else "the Hugging Face hub"
    return f"the cache {constants.HF_HUB_CACHE} and {hub}"
