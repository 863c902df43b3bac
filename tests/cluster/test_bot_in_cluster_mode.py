"""`digestbot run` in cluster mode leaves summaries to the workers: no in-process summary worker,
whatever worker_in_process says; outcomes are read from the store."""

from __future__ import annotations

from bot.app.services import Services
from bot.app.summaries import StoreWatcher, SummaryWorker
from bot.config import Settings
from bot.telegram.application import WORKER_KEY, build_application
from tests.fakes import FakeSummarizer


def application_with(sqlite_store, fake_matcher, **settings):
    values = {"telegram_bot_token": "1:fake", "worker_in_process": True, **settings}
    services = Services(Settings(**values), sqlite_store, FakeSummarizer(), fake_matcher)
    return build_application(services)


def test_the_bot_summarizes_in_process_by_default(sqlite_store, fake_matcher):
    application = application_with(sqlite_store, fake_matcher)

    assert isinstance(application.bot_data[WORKER_KEY], SummaryWorker)


def test_in_cluster_mode_the_bot_only_watches_the_store_for_summaries(sqlite_store, fake_matcher):
    application = application_with(
        sqlite_store,
        fake_matcher,
        database_url="postgresql+psycopg://bot@db.invalid/digestbot",
        queue="procrastinate",
    )

    assert isinstance(application.bot_data[WORKER_KEY], StoreWatcher)
