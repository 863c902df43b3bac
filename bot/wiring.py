"""Wiring: the settings, the store and the (lazily loaded) models that the bot, the worker and
the CLI share. Building it opens the database but loads no model."""

from __future__ import annotations

import logging

from bot.app.services import Services
from bot.config import Settings
from bot.store import open_store
from summarizer.backends import load_summarizer
from summarizer.encoder import SentenceEncoder
from summarizer.topics.matcher import TopicMatcher
from summarizer.topics.settings import TopicSettings


def build_services(settings: Settings) -> Services:
    """Open the database (migrating it) and set up the models, which load on first use. In
    cluster mode the job queue's schema is applied too, and storing an article queues its
    summary job."""
    encoder = SentenceEncoder(
        settings.embedding_model,
        window_tokens=settings.embedding_window_tokens,
        precision=settings.embedding_precision,
    )
    summarizer = load_summarizer(
        settings.summarizer_backend,
        model=settings.summarizer_model,
        encoder=encoder,
        sentences=settings.summary_sentences,
        max_new_tokens=settings.summary_max_new_tokens,
        prompt=settings.summarizer_prompt,
    )
    store = open_store(settings.effective_database_url)
    if settings.cluster_mode:  # storing an article queues its summary job (bot.cluster)
        from bot.cluster.queue import SummaryJobs, apply_queue_schema  # needs the postgres extra

        apply_queue_schema(settings.effective_database_url)
        store.articles.call_on_insert(SummaryJobs(settings.effective_database_url).queue_in)
    return Services(
        settings=settings,
        store=store,
        summarizer=summarizer,
        matcher=TopicMatcher(encoder, settings=topic_settings(settings)),
    )


def topic_settings(settings: Settings) -> TopicSettings:
    """The topic matcher's settings: the configured categories, the other knobs' defaults."""
    return TopicSettings(categories=tuple(settings.topic_categories))


def configure_logging(settings: Settings) -> None:
    """Log to stderr at the configured level; keep HTTP client chatter down."""
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("httpx", "httpcore", "apscheduler.executors.default"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
