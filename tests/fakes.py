"""Fast stand-ins for the models and for sending, for unit tests only. The real default model
runs in the tests marked `model` and in the end-to-end tests."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np

from bot.app.sending import Buttons, SendOutcome, SendStatus
from bot.core.domain import RenderedMessage
from summarizer.errors import SummarizationError
from summarizer.text import split_sentences
from summarizer.topics.aboutness import CATEGORY_FEATURES, ENTITY_FEATURES, MEANING, AboutnessModel


class HashingEncoder:
    """Bag-of-words vectors hashed into 256 dimensions: texts sharing words are similar. Fails
    on a call with a text containing FAIL-ENCODE."""

    name = "hashing-test-encoder"
    max_tokens = window_tokens = 256
    dim = 256

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def encode(self, texts: list[str]) -> np.ndarray:
        if any("FAIL-ENCODE" in text for text in texts):
            raise SummarizationError("fake encoder failure")
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z]+", text.lower()):
                stem = word[:5]
                bucket = int(hashlib.md5(stem.encode()).hexdigest(), 16) % self.dim
                vectors[row, bucket] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return vectors / norms


def naming_model() -> AboutnessModel:
    """An aboutness model for the fake encoders, whose cosines mean little: an entity topic is
    an article's when it names it in the lead and at least once more, or four times anywhere
    (log1p(4) = 1.61), never when it does not name it; a category topic when the article is
    nearer it than any rival."""
    entity = {"named_in_lead": 2.0, "log_mentions": 2.0}
    category = {"category_margin": 20.0}
    return AboutnessModel.from_dict(
        {
            "entity": {"coefficients": _all_features(entity, "entity"), "intercept": -4.0},
            "unnamed": {"coefficients": _all_features({}, "unnamed"), "intercept": -4.0},
            "category": {"coefficients": _all_features(category, "category"), "intercept": -1.0},
        }
    )


def _all_features(weights: dict[str, float], kind: str) -> dict[str, float]:
    features = {"entity": ENTITY_FEATURES, "unnamed": MEANING, "category": CATEGORY_FEATURES}[kind]
    return {feature: weights.get(feature, 0.0) for feature in features}


class CountingEncoder(HashingEncoder):
    """The hashing fake, recording every call's texts."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return super().encode(texts)


class FakeSummarizer:
    """The first two sentences; fails on texts containing FAIL-SUMMARY."""

    model_key = "fake:first-two"

    def summarize(self, text: str) -> str:
        if "FAIL-SUMMARY" in text:
            raise SummarizationError("fake failure")
        return " ".join(split_sentences(text)[:2])

    def summarize_many(self, texts: list[str]) -> list[str]:
        return [self.summarize(t) for t in texts]

    def summarize_embedded(self, articles) -> list[str]:
        return self.summarize_many([a.text for a in articles])

    def overview(self, summaries: list[str]) -> str:
        """The first sentence of each summary; fails when one contains FAIL-OVERVIEW."""
        if any("FAIL-OVERVIEW" in s for s in summaries):
            raise SummarizationError("fake overview failure")
        return " ".join(split_sentences(s)[0] for s in summaries)

    def prepare_overview(self, summaries: list[str]) -> None:
        """Nothing to do ahead for the fake's overview."""


class FakeSender:
    """A `MessageSender` (bot.app.sending) that records what it is asked to send; `outcomes`
    maps a send's index to the status (or the exception) it answers instead of SENT."""

    def __init__(self, outcomes: dict[int, object] | None = None) -> None:
        self.sent: list[Sent] = []
        self.outcomes = outcomes or {}
        self.attempts = 0

    async def send(
        self,
        chat_id: int,
        message: RenderedMessage,
        *,
        buttons: Buttons | None = None,
        thread_id: int | None = None,
        silent: bool = False,
        previews: bool = False,
        what: str = "",
    ) -> SendOutcome:
        attempt, self.attempts = self.attempts, self.attempts + 1
        answer = self.outcomes.get(attempt, SendStatus.SENT)
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, SendOutcome):
            return answer
        if answer is SendStatus.SENT:
            self.sent.append(Sent(chat_id, message, buttons, thread_id, silent, previews))
        return SendOutcome(answer, chat_id)

    @property
    def texts(self) -> list[tuple[int, str]]:
        """(chat id, text) of each message sent."""
        return [(sent.chat_id, sent.message.text) for sent in self.sent]


@dataclass(frozen=True)
class Sent:
    """One message a FakeSender sent."""

    chat_id: int
    message: RenderedMessage
    buttons: Buttons | None
    thread_id: int | None
    silent: bool = False
    previews: bool = False
