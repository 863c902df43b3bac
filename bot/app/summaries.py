"""The summary worker: takes stored articles that lack a summary by the current model, in
batches, and stores their summary and passage vectors.

`process_batch` is the synchronous step. `SummaryWorker` runs it in a thread from the bot's event
loop so command handling never waits on the model, and lets handlers await one article's summary.
`run_worker` is the same loop as its own process (`digestbot worker`); the bot then uses a
`StoreWatcher`, which learns outcomes by polling the store. Workers may run side by side: saving
a summary is a single upsert, so two that summarize the same article both succeed (the work is
done twice, never corrupted). A model that fails on one article records the error for that
article only (so it is not retried in a loop); a model that cannot load at all is retried with
backoff and every waiting chat is told why.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.app.candidates import ensure_vectors
from bot.core.domain import StoredArticle
from bot.core.texts import MODEL_NOT_LOADED, SUMMARIZER_FAILED
from bot.metrics import SUMMARIES, WORKER_HEARTBEAT
from bot.store import DatabaseUnavailable, Store
from summarizer.base import Summarizer
from summarizer.embedding import EmbeddedArticle, embed_articles
from summarizer.errors import ModelLoadError, SummarizationError, batch_or_each
from summarizer.topics.matcher import TopicMatcher

log = logging.getLogger(__name__)

LOAD_RETRY_S = 60.0
OUTCOME_POLL_S = 2.0  # how often a StoreWatcher looks for a summary made by another process


@dataclass(frozen=True)
class SummaryOutcome:
    """What became of one article's summary: the text, or why there is none."""

    summary: str | None
    error: str | None


def process_batch(
    store: Store,
    summarizer: Summarizer,
    matcher: TopicMatcher,
    *,
    limit: int,
    on_claimed: Callable[[int], None] | None = None,
) -> dict[int, SummaryOutcome]:
    """Summarize (and embed) up to `limit` articles that lack a summary; returns their outcomes.

    Each article's title and sentences are encoded once, in one batched call for the whole
    batch: the summary and the stored passage vectors both come from that pass. Raises
    ModelLoadError when a model cannot be loaded at all. Each call is a beat of the summary
    worker's heartbeat (bot.metrics).

    On PostgreSQL the batch is claimed: its articles stay locked until their summaries are
    saved, so processes summarizing side by side (cluster workers, or several `digestbot
    worker`s beside `digestbot run`) never take the same article
    (`Summaries.summarize_claimed`); `on_claimed(size)` is then called once the batch is
    claimed, before the model runs.
    """
    WORKER_HEARTBEAT.labels("summaries").set_to_current_time()
    if store.summaries.can_claim:
        return _process_claimed(store, summarizer, matcher, limit, on_claimed)
    articles = store.summaries.missing(summarizer.model_key, limit)
    if not articles:
        return {}
    outcomes, embedded = _summarize(summarizer, matcher, articles)
    for article in articles:
        outcome = outcomes[article.id]
        store.summaries.save(
            article.id, summarizer.model_key, text=outcome.summary, error=outcome.error
        )
        SUMMARIES.labels("failed" if outcome.error else "made").inc()
    ensure_vectors(
        store,
        matcher,
        [a for a in articles if a.id in embedded],
        computed={i: e.passage_vectors for i, e in embedded.items()},
    )
    return outcomes


def _process_claimed(
    store: Store,
    summarizer: Summarizer,
    matcher: TopicMatcher,
    limit: int,
    on_claimed: Callable[[int], None] | None,
) -> dict[int, SummaryOutcome]:
    """`process_batch` of a claimed batch: summaries and vectors saved with the claim."""
    outcomes: dict[int, SummaryOutcome] = {}

    def summarize(articles: list[StoredArticle]):
        if on_claimed is not None:
            on_claimed(len(articles))
        done, embedded = _summarize(summarizer, matcher, articles)
        outcomes.update(done)
        vectors = {i: e.passage_vectors for i, e in embedded.items()}
        return {i: (o.summary, o.error) for i, o in done.items()}, vectors

    store.summaries.summarize_claimed(summarizer.model_key, matcher.model_key, limit, summarize)
    return outcomes


def drain(
    store: Store,
    summarizer: Summarizer,
    matcher: TopicMatcher,
    *,
    batch_size: int,
    on_batch: Callable[[int], object] | None = None,
) -> int:
    """Process batches until no article lacks a summary; returns how many were processed.
    `on_batch` is told each batch's count as it is stored (a progress bar)."""
    processed = 0
    while outcomes := process_batch(store, summarizer, matcher, limit=batch_size):
        processed += len(outcomes)
        if on_batch is not None:
            on_batch(len(outcomes))
    return processed


def run_worker(
    store: Store,
    summarizer: Summarizer,
    matcher: TopicMatcher,
    *,
    batch_size: int,
    idle_s: float,
    once: bool = False,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """The summary worker as its own process: drain the queue, then look again every `idle_s`.

    With `once` it returns after the first drain (the count processed) and lets a ModelLoadError
    or DatabaseUnavailable through; otherwise it runs until interrupted, retrying those.
    """
    processed = 0
    while True:
        try:
            processed += drain(store, summarizer, matcher, batch_size=batch_size)
        except (ModelLoadError, DatabaseUnavailable) as exc:
            if once:
                raise
            wait_s = LOAD_RETRY_S if isinstance(exc, ModelLoadError) else idle_s
            log.error("%s (retrying in %.0f s)", exc, wait_s)
            sleep(wait_s)
            continue
        if once:
            return processed
        sleep(idle_s)


def _summarize(
    summarizer: Summarizer, matcher: TopicMatcher, articles: list[StoredArticle]
) -> tuple[dict[int, SummaryOutcome], dict[int, EmbeddedArticle]]:
    """Outcomes of the articles' summaries, and the embedded articles (by id) they came from.

    The whole batch is embedded at once, then summarized at once. A step that fails is redone
    article by article, so one bad article records its error while the others are still
    summarized, and an article whose summary alone failed keeps its passage vectors.
    """
    docs = [(a.title, a.text) for a in articles]
    embedded = batch_or_each(lambda batch: embed_articles(matcher.encoder, batch), docs)
    by_id = {
        a.id: e
        for a, e in zip(articles, embedded, strict=True)
        if not isinstance(e, SummarizationError)
    }
    summaries = iter(batch_or_each(summarizer.summarize_embedded, list(by_id.values())))
    outcomes = {}
    for article, embedding in zip(articles, embedded, strict=True):
        result = next(summaries) if article.id in by_id else embedding
        if isinstance(result, SummarizationError):
            log.error("summary of article %d failed: %s", article.id, result)
            outcomes[article.id] = SummaryOutcome(None, SUMMARIZER_FAILED)
        else:
            outcomes[article.id] = SummaryOutcome(result, None)
    return outcomes, by_id


class SummaryWorker:
    """Runs `process_batch` in the background until cancelled; wake it when articles arrive."""

    def __init__(
        self,
        store: Store,
        summarizer: Summarizer,
        matcher: TopicMatcher,
        *,
        batch_size: int,
        idle_s: float = 30.0,
    ) -> None:
        self.store = store
        self.summarizer = summarizer
        self.matcher = matcher
        self.batch_size = batch_size
        self.idle_s = idle_s
        self._wake = asyncio.Event()
        self._waiters: dict[int, list[asyncio.Future[SummaryOutcome]]] = {}

    def wake(self) -> None:
        """Look for new articles now rather than after the idle interval."""
        self._wake.set()

    async def outcome(self, article_id: int) -> SummaryOutcome:
        """Wait until the article's summary (or failure) is known."""
        summary, error = await asyncio.to_thread(
            self.store.summaries.state, article_id, self.summarizer.model_key
        )
        if summary is not None or error is not None:
            return SummaryOutcome(summary, error)
        future: asyncio.Future[SummaryOutcome] = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(article_id, []).append(future)
        self.wake()
        return await future

    async def run(self) -> None:
        """Process batches forever; cancel the task to stop."""
        while True:
            self._wake.clear()  # a wake-up from here on triggers another pass
            try:
                outcomes = await asyncio.to_thread(
                    process_batch,
                    self.store,
                    self.summarizer,
                    self.matcher,
                    limit=self.batch_size,
                )
            except ModelLoadError as exc:
                log.error("%s (retrying in %.0f s)", exc, LOAD_RETRY_S)
                self._fail_waiters(MODEL_NOT_LOADED)
                await self._sleep(LOAD_RETRY_S)
                continue
            except DatabaseUnavailable as exc:
                log.error("%s (retrying in %.0f s)", exc, self.idle_s)
                await self._sleep(self.idle_s)
                continue
            for article_id, outcome in outcomes.items():
                for future in self._waiters.pop(article_id, []):
                    if not future.done():
                        future.set_result(outcome)
            if not outcomes:
                await self._sleep(self.idle_s)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)

    def _fail_waiters(self, reason: str) -> None:
        waiters, self._waiters = self._waiters, {}
        for futures in waiters.values():
            for future in futures:
                if not future.done():
                    future.set_result(SummaryOutcome(None, reason))


class StoreWatcher:
    """What handlers use when the worker runs as its own process: outcomes come from the store."""

    def __init__(self, store: Store, model_key: str, *, poll_s: float = OUTCOME_POLL_S) -> None:
        self.store = store
        self.model_key = model_key
        self.poll_s = poll_s

    def wake(self) -> None:
        """Nothing to wake: the worker process polls the store on its own."""

    async def outcome(self, article_id: int) -> SummaryOutcome:
        """Wait until the worker process has stored the article's summary (or failure)."""
        while True:
            summary, error = await asyncio.to_thread(
                self.store.summaries.state, article_id, self.model_key
            )
            if summary is not None or error is not None:
                return SummaryOutcome(summary, error)
            await asyncio.sleep(self.poll_s)
