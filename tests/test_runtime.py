"""Process-wide knobs: the environment libraries read, the warm-up and the collector's freeze."""

from __future__ import annotations

import dataclasses
import gc
import os
import subprocess
import sys
import weakref

import pytest
from sqlalchemy import event

from bot.app import digests
from bot.app.digests import recent_digest, recent_period
from bot.app.services import Services
from bot.app.subjects import subject_counts_in_period
from bot.runtime import freeze_long_lived, warm_up
from bot.store import Store
from summarizer.topics import evidence as evidence_module
from summarizer.topics.aboutness import read_article
from tests.app.digest_helpers import (
    FARMING,
    RUSSIA,
    add_recent,
    recent_services,
)
from tests.fakes import FakeSummarizer


def test_torch_threads_spin_briefly_unless_the_environment_says_otherwise():
    script = (
        "import os; from bot.runtime import configure_process; configure_process(); "
        "print(os.environ.get('GOMP_SPINCOUNT'))"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("GOMP_SPINCOUNT", "OMP_WAIT_POLICY")}

    def spin_count(environment: dict[str, str]) -> str:
        command = [sys.executable, "-c", script]
        return subprocess.run(command, env=environment, capture_output=True, text=True).stdout

    assert spin_count(env).strip() == "10000"
    assert spin_count(env | {"GOMP_SPINCOUNT": "300000"}).strip() == "300000"
    assert spin_count(env | {"OMP_WAIT_POLICY": "ACTIVE"}).strip() == "None"


def test_the_command_line_loads_no_torch_before_its_main_sets_the_thread_knobs():
    script = "import sys, bot.cli; print(sorted({'torch', 'transformers'} & set(sys.modules)))"
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert loaded.stdout.strip() == "[]", loaded.stderr


def test_telegram_errors_give_waits_as_timedelta_unless_the_environment_says_otherwise():
    script = (
        "import os; from bot.runtime import configure_process; configure_process(); "
        "print(os.environ.get('PTB_TIMEDELTA'))"
    )
    env = {k: v for k, v in os.environ.items() if k != "PTB_TIMEDELTA"}

    def setting(environment: dict[str, str]) -> str:
        command = [sys.executable, "-c", script]
        return subprocess.run(command, env=environment, capture_output=True, text=True).stdout

    assert setting(env).strip() == "1"
    assert setting(env | {"PTB_TIMEDELTA": "false"}).strip() == "false"


def test_after_warm_up_a_digest_reads_no_article_rows_vectors_or_passages(
    sqlite_store, fake_matcher
):
    # Neither text names the warm-up digest's topic, so only warming up splits their passages.
    add_recent(sqlite_store, "gas", "Russia sold gas to India. Moscow said Russia wants buyers.")
    add_recent(sqlite_store, "soy", FARMING)
    restarted = recent_services(Store(sqlite_store.engine), fake_matcher)  # memory empty
    read_article.cache_clear()
    warmed = warm_up(restarted)
    statements = []
    event.listen(sqlite_store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    splits = read_article.cache_info().misses

    digest = recent_digest(restarted, "russia")

    assert warmed == 2
    assert [item.article.title for item in digest.items] == ["gas"]
    assert not [s for s in statements if "articles.title" in s or "article_vectors" in s]
    assert read_article.cache_info().misses == splits


def test_an_article_stored_after_warm_up_is_in_the_next_digest(sqlite_store, fake_matcher):
    add_recent(sqlite_store, "gas", RUSSIA)
    services = recent_services(sqlite_store, fake_matcher)
    warm_up(services)

    add_recent(sqlite_store, "oil", RUSSIA + " Oil too.")
    digest = recent_digest(services, "russia")

    assert {item.article.title for item in digest.items} == {"gas", "oil"}


def test_warm_up_works_out_the_topics_topics_lists_so_their_first_digest_reads_no_text(
    sqlite_store, fake_matcher, monkeypatch
):
    add_recent(sqlite_store, "gas", RUSSIA)
    add_recent(sqlite_store, "soy", FARMING)
    services = recent_services(sqlite_store, fake_matcher)
    warm_up(services)
    read = []
    original = evidence_module.lexical_evidence
    monkeypatch.setattr(
        evidence_module,
        "lexical_evidence",
        lambda *a, **how: read.append(a[1].title) or original(*a, **how),
    )
    listed = [subject for subject, _ in subject_counts_in_period(sqlite_store, *period(services))]

    first = recent_digest(services, "russia")
    add_recent(sqlite_store, "oil", RUSSIA + " Oil too.")
    later = recent_digest(services, "russia")

    assert "russia" in listed
    assert [item.article.title for item in first.items] == ["gas"] and read == ["oil"]
    assert {item.article.title for item in later.items} == {"gas", "oil"}


def period(services: Services):
    return recent_period(services.settings.digest_days)


class PreparingSummarizer(FakeSummarizer):
    """The fake summarizer, recording the summaries it is asked to prepare overviews of."""

    def __init__(self) -> None:
        self.prepared: list[str] = []

    def prepare_overview(self, summaries: list[str]) -> None:
        self.prepared.extend(summaries)


def test_warm_up_prepares_the_overviews_of_the_periods_summaries(sqlite_store, fake_matcher):
    summarizer = PreparingSummarizer()
    for title, summary in [("gas", "Russia sells gas."), ("soy", "Farmers grow soy.")]:
        article = add_recent(sqlite_store, title, f"{summary} More text.")
        sqlite_store.summaries.save(article.id, summarizer.model_key, text=summary)
    add_recent(sqlite_store, "oil", "Russia sells oil.")  # no summary yet: nothing to prepare
    services = dataclasses.replace(
        recent_services(sqlite_store, fake_matcher), summarizer=summarizer
    )

    warm_up(services)

    assert sorted(summarizer.prepared) == ["Farmers grow soy.", "Russia sells gas."]


def test_after_warm_up_a_digest_reads_no_summaries(sqlite_store, fake_matcher, monkeypatch):
    monkeypatch.setattr(digests, "OVERVIEW_PREPARED_SUMMARIES", 1)  # not all read for overviews
    for title in ("gas", "oil"):
        article = add_recent(sqlite_store, title, f"{RUSSIA} {title.title()} too.")
        sqlite_store.summaries.save(article.id, FakeSummarizer().model_key, text=f"{title}.")
    restarted = recent_services(Store(sqlite_store.engine), fake_matcher)  # memory empty
    warm_up(restarted)
    statements = []
    event.listen(sqlite_store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

    digest = recent_digest(restarted, "russia")

    assert sorted(item.summary for item in digest.items) == ["gas.", "oil."]
    assert not [s for s in statements if "summaries" in s]


def summarized_stories(store, matcher, count: int) -> tuple[Services, PreparingSummarizer]:
    """Services on `store` holding `count` recent stories summarized "Story N.", and their
    summarizer, which records what it was asked to prepare."""
    summarizer = PreparingSummarizer()
    for number in range(count):
        article = add_recent(store, f"story {number}", f"Story {number} text. More.")
        store.summaries.save(article.id, summarizer.model_key, text=f"Story {number}.")
    return dataclasses.replace(recent_services(store, matcher), summarizer=summarizer), summarizer


def test_warm_up_prepares_only_the_newest_summaries(sqlite_store, fake_matcher, monkeypatch):
    monkeypatch.setattr(digests, "OVERVIEW_PREPARED_SUMMARIES", 2)
    services, summarizer = summarized_stories(sqlite_store, fake_matcher, 4)

    warm_up(services)

    assert sorted(summarizer.prepared) == ["Story 2.", "Story 3."]


def test_a_warm_up_gives_up_between_chunks_once_the_bot_is_stopping(
    sqlite_store, fake_matcher, monkeypatch
):
    monkeypatch.setattr(digests, "PREPARE_CHUNK_SUMMARIES", 2)
    services, summarizer = summarized_stories(sqlite_store, fake_matcher, 6)

    warm_up(services, stopping=lambda: len(summarizer.prepared) >= 2)

    assert sorted(summarizer.prepared) == ["Story 0.", "Story 1."]


def test_a_warm_up_asked_to_stop_before_it_starts_reads_nothing(sqlite_store, fake_matcher):
    summarizer = PreparingSummarizer()
    article = add_recent(sqlite_store, "gas", "Russia sells gas. More text.")
    sqlite_store.summaries.save(article.id, summarizer.model_key, text="Russia sells gas.")
    services = dataclasses.replace(
        recent_services(sqlite_store, fake_matcher), summarizer=summarizer
    )

    read_article.cache_clear()

    warm_up(services, stopping=lambda: True)

    assert summarizer.prepared == []
    assert read_article.cache_info().currsize == 0


@pytest.fixture
def collector_unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_warm_up_moves_what_it_read_out_of_the_garbage_collectors_sight(
    sqlite_store, fake_matcher, collector_unfrozen
):
    add_recent(sqlite_store, "gas", RUSSIA)

    warm_up(recent_services(sqlite_store, fake_matcher))

    assert gc.get_freeze_count() > 0


class Node:
    pass


def test_refreezing_collects_garbage_then_moves_what_lives_out_of_sight(collector_unfrozen):
    freeze_long_lived()
    frozen = gc.get_freeze_count()
    kept = [Node() for _ in range(1000)]
    cycle = Node()
    cycle.itself = cycle
    dropped = weakref.ref(cycle)
    del cycle

    freeze_long_lived()

    assert gc.get_freeze_count() >= frozen + len(kept)
    assert dropped() is None  # collected before the freeze, not frozen with the living


def test_warm_up_embeds_the_competing_categories_before_any_article_arrives(
    sqlite_store, fake_matcher, monkeypatch
):
    services = recent_services(sqlite_store, fake_matcher)
    warm_up(services)
    encoded: list[str] = []
    encode = fake_matcher.encoder.encode
    monkeypatch.setattr(fake_matcher.encoder, "encode", lambda t: encoded.extend(t) or encode(t))

    add_recent(sqlite_store, "gas", RUSSIA)
    recent_digest(services, "exports")

    assert "exports" in encoded  # the query itself
    assert not {"crime and law", "news about crime and law"} & set(encoded)
