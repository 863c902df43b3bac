"""The summary worker: batches, stored outcomes, failures recorded per article, waiters told."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime

import numpy as np
import pytest

from bot.app.summaries import (
    StoreWatcher,
    SummaryWorker,
    drain,
    process_batch,
    run_worker,
)
from bot.core.domain import ArticleDraft
from bot.core.texts import MODEL_NOT_LOADED, SUMMARIZER_FAILED
from summarizer.errors import ModelLoadError
from summarizer.extractive import ExtractiveSummarizer
from summarizer.text import split_sentences
from summarizer.topics.matcher import TopicMatcher
from tests.conftest import _fresh_postgres_store
from tests.fakes import CountingEncoder, FakeSummarizer

NOW = datetime(2024, 11, 4, tzinfo=UTC)
TEXT = "Russia expanded gas exports to Asia. Officials in Moscow signed contracts. Prices rose."


class Unloadable:
    model_key = "broken"

    def summarize_embedded(self, articles):
        raise ModelLoadError("no model at /nowhere")


def add(store, title: str, text: str = TEXT) -> int:
    article, _ = store.articles.add(
        ArticleDraft(title=title, text=text, source="t.txt"), fingerprint=title, received_at=NOW
    )
    return article.id


def test_batch_stores_summaries_and_passage_vectors(sqlite_store, fake_summarizer, fake_matcher):
    first, second = add(sqlite_store, "a"), add(sqlite_store, "b")

    outcomes = process_batch(sqlite_store, fake_summarizer, fake_matcher, limit=10)

    expected = "Russia expanded gas exports to Asia. Officials in Moscow signed contracts."
    assert {i: o.summary for i, o in outcomes.items()} == {first: expected, second: expected}
    assert set(sqlite_store.summaries.vectors([first, second], fake_matcher.model_key)) == {
        first,
        second,
    }
    assert process_batch(sqlite_store, fake_summarizer, fake_matcher, limit=10) == {}


def test_a_batch_encodes_each_title_and_sentence_once_for_both_summary_and_topics(sqlite_store):
    texts = {
        "Gas": TEXT,
        "Storm": "A storm hit the coast overnight and the harbour flooded. Wind cut the power "
        "to thousands of homes along the shore. Crews worked through the night to restore it.",
    }
    ids = {title: add(sqlite_store, title, text) for title, text in texts.items()}
    encoder = CountingEncoder()
    summarizer, matcher = ExtractiveSummarizer(encoder, sentences=2), TopicMatcher(encoder)

    outcomes = process_batch(sqlite_store, summarizer, matcher, limit=10)

    encoded = [text for call in encoder.calls for text in call]
    expected = [part for title, text in texts.items() for part in [title, *split_sentences(text)]]
    assert len(encoder.calls) == 1 and sorted(encoded) == sorted(expected)
    alone = ExtractiveSummarizer(CountingEncoder(), sentences=2)
    assert {i: o.summary for i, o in outcomes.items()} == {
        ids[title]: alone.summarize(text) for title, text in texts.items()
    }
    stored = sqlite_store.summaries.vectors(list(ids.values()), matcher.model_key)
    for title, text in texts.items():
        np.testing.assert_allclose(stored[ids[title]], matcher.passage_vectors(title, text))


@pytest.mark.parametrize(
    ("marker", "error", "embedded"),
    [
        ("FAIL-SUMMARY", "fake failure", True),  # its passage vectors are still stored
        ("FAIL-ENCODE", "fake encoder failure", False),
    ],
)
def test_model_failure_on_one_article_is_recorded_and_not_retried(
    sqlite_store, fake_summarizer, fake_matcher, marker, error, embedded, caplog
):
    good = add(sqlite_store, "good")
    bad = add(sqlite_store, "bad", f"{TEXT} {marker} here.")

    outcomes = process_batch(sqlite_store, fake_summarizer, fake_matcher, limit=10)

    assert outcomes[good].summary and outcomes[good].error is None
    assert outcomes[bad].summary is None and outcomes[bad].error == SUMMARIZER_FAILED
    assert error in caplog.text  # the model's own words go to the log, not to the chat
    assert sqlite_store.summaries.state(bad, fake_summarizer.model_key)[1] == outcomes[bad].error
    assert sqlite_store.summaries.missing(fake_summarizer.model_key, 10) == []
    stored = set(sqlite_store.summaries.vectors([good, bad], fake_matcher.model_key))
    assert stored == ({good, bad} if embedded else {good})


def test_batch_size_limits_each_pass(sqlite_store, fake_summarizer, fake_matcher):
    for i in range(5):
        add(sqlite_store, f"a{i}")

    assert len(process_batch(sqlite_store, fake_summarizer, fake_matcher, limit=2)) == 2
    assert len(sqlite_store.summaries.missing(fake_summarizer.model_key, 10)) == 3


async def test_waiting_handler_gets_the_summary_once_the_worker_made_it(
    sqlite_store, fake_summarizer, fake_matcher
):
    worker = SummaryWorker(sqlite_store, fake_summarizer, fake_matcher, batch_size=4, idle_s=60)
    task = asyncio.create_task(worker.run())
    try:
        article_id = add(sqlite_store, "a")
        outcome = await asyncio.wait_for(worker.outcome(article_id), timeout=10)
    finally:
        task.cancel()
    assert outcome.summary.startswith("Russia expanded gas exports")


async def test_model_that_cannot_load_is_reported_to_waiters(sqlite_store, fake_matcher, caplog):
    worker = SummaryWorker(sqlite_store, Unloadable(), fake_matcher, batch_size=4, idle_s=60)
    task = asyncio.create_task(worker.run())
    try:
        article_id = add(sqlite_store, "a")
        outcome = await asyncio.wait_for(worker.outcome(article_id), timeout=10)
    finally:
        task.cancel()
    assert outcome.summary is None and outcome.error == MODEL_NOT_LOADED
    assert "/nowhere" in caplog.text  # where it looked is for the operator, not the chat
    assert sqlite_store.summaries.missing("broken", 10) != []  # retried after a fix


@pytest.fixture(autouse=True)
def _quick_load_retry(monkeypatch):
    monkeypatch.setattr("bot.app.summaries.LOAD_RETRY_S", 0.05)


class Stop(Exception):
    """Raised by a fake sleep to end a worker loop that would run forever."""


def test_run_once_summarizes_the_whole_queue_in_batches_then_returns(
    sqlite_store, fake_summarizer, fake_matcher
):
    ids = [add(sqlite_store, f"a{n}") for n in range(5)]

    processed = run_worker(
        sqlite_store, fake_summarizer, fake_matcher, batch_size=2, idle_s=60, once=True
    )

    assert processed == 5
    assert all(sqlite_store.summaries.texts(ids, fake_summarizer.model_key).values())


def test_a_worker_process_keeps_polling_and_summarizes_articles_that_arrive_later(
    sqlite_store, fake_summarizer, fake_matcher
):
    add(sqlite_store, "first")
    naps: list[float] = []

    def sleep(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 1:
            add(sqlite_store, "later")  # another process stores an article meanwhile
        else:
            raise Stop

    with pytest.raises(Stop):
        run_worker(
            sqlite_store, fake_summarizer, fake_matcher, batch_size=4, idle_s=7.5, sleep=sleep
        )

    assert naps == [7.5, 7.5]
    assert sqlite_store.summaries.missing(fake_summarizer.model_key, 10) == []


def test_a_worker_process_retries_a_model_that_cannot_load_unless_run_once(
    sqlite_store, fake_matcher
):
    add(sqlite_store, "a")
    naps: list[float] = []

    def sleep(seconds: float) -> None:
        naps.append(seconds)
        raise Stop

    with pytest.raises(Stop):
        run_worker(sqlite_store, Unloadable(), fake_matcher, batch_size=4, idle_s=1, sleep=sleep)
    with pytest.raises(ModelLoadError, match="/nowhere"):
        run_worker(sqlite_store, Unloadable(), fake_matcher, batch_size=4, idle_s=1, once=True)

    assert naps == [0.05]  # LOAD_RETRY_S, shortened for the tests


async def test_the_bot_learns_a_summary_made_by_a_worker_process_from_the_store(
    sqlite_store, fake_summarizer, fake_matcher
):
    article_id = add(sqlite_store, "a")
    watcher = StoreWatcher(sqlite_store, fake_summarizer.model_key, poll_s=0.01)
    waiting = asyncio.create_task(watcher.outcome(article_id))
    await asyncio.sleep(0.05)
    assert not waiting.done()

    await asyncio.to_thread(
        run_worker, sqlite_store, fake_summarizer, fake_matcher, batch_size=4, idle_s=1, once=True
    )

    outcome = await asyncio.wait_for(waiting, timeout=5)
    assert outcome.summary.startswith("Russia expanded gas exports")


def test_drain_reports_each_stored_batch(sqlite_store, fake_summarizer, fake_matcher):
    for title in "abcde":
        add(sqlite_store, title)
    batches: list[int] = []

    processed = drain(
        sqlite_store, fake_summarizer, fake_matcher, batch_size=2, on_batch=batches.append
    )

    assert (processed, batches) == (5, [2, 2, 1])
    assert sqlite_store.summaries.missing(fake_summarizer.model_key, 10) == []


class SlowCountingSummarizer(FakeSummarizer):
    """The fake summarizer, slowed so two workers overlap; counts each article it summarizes."""

    def __init__(self) -> None:
        self.summarized: list[str] = []
        self._lock = threading.Lock()

    def summarize_embedded(self, articles) -> list[str]:
        time.sleep(0.05)
        with self._lock:
            self.summarized += [a.title for a in articles]
        return super().summarize_embedded(articles)


@pytest.fixture
def postgres_store(postgres_url):
    opened = _fresh_postgres_store(postgres_url)
    yield opened
    opened.close()


@pytest.mark.postgres
def test_two_worker_processes_on_postgresql_never_summarize_an_article_twice(
    postgres_store, fake_matcher
):
    """Two `digestbot worker`s (or one beside `digestbot run`) on one PostgreSQL database claim
    their batches, in the single-host mode too: every article summarized once."""
    titles = [f"a{i}" for i in range(40)]
    for title in titles:
        add(postgres_store, title)
    summarizer = SlowCountingSummarizer()

    def work() -> None:
        drain(postgres_store, summarizer, fake_matcher, batch_size=4)

    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert sorted(summarizer.summarized) == sorted(titles)
    assert postgres_store.summaries.missing(summarizer.model_key, 100) == []
