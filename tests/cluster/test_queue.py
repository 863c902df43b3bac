"""Cluster mode's queue on PostgreSQL: the schema applied once and migrated after an upgrade,
the summary job queued in the article's transaction (and only one waiting), batches claimed
apart, and the jobs run by a worker until every article has its summary."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime

import procrastinate
import psycopg
import pytest
from sqlalchemy import text

from bot.app.services import Services
from bot.cluster.queue import (
    SUMMARIZE_TASK,
    QueueSchemaChange,
    SummaryJobs,
    apply_queue_schema,
    conninfo,
    queue_depth,
)
from bot.cluster.tasks import RECONCILE_TASK, cron_every
from bot.cluster.worker import worker_app
from bot.config import Settings
from bot.core.domain import ArticleDraft
from bot.store.rows import SummaryRow
from bot.store.summaries import Summaries
from tests.conftest import _fresh_postgres_store

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(120)]

NOW = datetime(2024, 11, 4, tzinfo=UTC)
TEXT = "Russia expanded gas exports to Asia. Officials in Moscow signed contracts. Prices rose."


@pytest.fixture
def cluster_store(postgres_url):
    store = _fresh_postgres_store(postgres_url)
    apply_queue_schema(postgres_url)
    store.articles.call_on_insert(SummaryJobs(postgres_url).queue_in)
    yield store
    store.close()


def add(store, title: str) -> int:
    article, _ = store.articles.add(
        ArticleDraft(title=title, text=f"{title}. {TEXT}", source="t.txt"),
        fingerprint=title,
        received_at=NOW,
    )
    return article.id


def jobs(store) -> list[tuple[str, str]]:
    with store.engine.connect() as connection:
        rows = connection.execute(text("SELECT task_name, status FROM procrastinate_jobs"))
        return [tuple(row) for row in rows]


def test_the_queue_schema_is_applied_once(postgres_url):
    _fresh_postgres_store(postgres_url).close()

    assert apply_queue_schema(postgres_url) == QueueSchemaChange(created=True)
    assert apply_queue_schema(postgres_url) == QueueSchemaChange(created=False)
    assert recorded_release(postgres_url) == procrastinate.__version__


def test_after_an_upgrade_the_newer_releases_migrations_are_applied_once_in_order(
    postgres_url, tmp_path
):
    _fresh_postgres_store(postgres_url).close()
    apply_queue_schema(postgres_url)
    with psycopg.connect(conninfo(postgres_url)) as connection:  # as made by 3.9
        connection.execute("UPDATE digestbot_queue_schema SET version = '3.9.2'")
    files = {
        "03.09.00_01_pre_older.sql": "CREATE TABLE older_release (id int)",
        "03.09.03_50_post_second.sql": "INSERT INTO newer_release VALUES (2)",
        "03.09.03_01_pre_first.sql": "CREATE TABLE newer_release (id int); "
        "INSERT INTO newer_release VALUES (1)",
    }
    for name, sql in files.items():
        (tmp_path / name).write_text(sql)

    change = apply_queue_schema(postgres_url, migrations=tmp_path)
    again = apply_queue_schema(postgres_url, migrations=tmp_path)

    assert change.migrations == ("03.09.03_01_pre_first.sql", "03.09.03_50_post_second.sql")
    assert again == QueueSchemaChange(created=False)
    with psycopg.connect(conninfo(postgres_url)) as connection:
        assert connection.execute("SELECT id FROM newer_release").fetchall() == [(1,), (2,)]
        assert connection.execute("SELECT to_regclass('older_release')").fetchone() == (None,)
    assert recorded_release(postgres_url) == procrastinate.__version__


def recorded_release(postgres_url: str) -> str:
    with psycopg.connect(conninfo(postgres_url)) as connection:
        return connection.execute("SELECT version FROM digestbot_queue_schema").fetchone()[0]


def test_storing_an_article_queues_one_summary_job_which_covers_later_articles(
    cluster_store, postgres_url
):
    add(cluster_store, "first")
    add(cluster_store, "second")

    assert jobs(cluster_store) == [(SUMMARIZE_TASK, "todo")]
    assert queue_depth(postgres_url) == {("summaries", "todo"): 1}


def test_an_article_rolled_back_leaves_no_job(cluster_store):
    def fail_after_queueing(connection, article_id):
        raise RuntimeError("the transaction fails after the job was queued")

    cluster_store.articles.call_on_insert(fail_after_queueing)

    with pytest.raises(RuntimeError):
        add(cluster_store, "lost")

    assert jobs(cluster_store) == []
    assert cluster_store.summaries.missing("any", 10) == []


def test_batches_claimed_at_once_hold_different_articles(cluster_store):
    ids = [add(cluster_store, f"a{i}") for i in range(6)]
    first_claimed, release = threading.Event(), threading.Event()
    taken: dict[str, list[int]] = {}

    def hold(articles):
        taken["first"] = [a.id for a in articles]
        first_claimed.set()
        release.wait(10)
        return {a.id: ("s", None) for a in articles}, {}

    holder = threading.Thread(
        target=cluster_store.summaries.summarize_claimed, args=("m", "v", 4, hold)
    )
    holder.start()
    assert first_claimed.wait(10)
    second = cluster_store.summaries.summarize_claimed(
        "m", "v", 4, lambda articles: ({a.id: ("s", None) for a in articles}, {})
    )
    release.set()
    holder.join()

    assert taken["first"] == ids[:4]
    assert [a.id for a in second] == ids[4:]
    assert cluster_store.summaries.missing("m", 10) == []


def test_a_claim_that_met_a_batch_committed_meanwhile_claims_again_and_stays_full(
    cluster_store, monkeypatch
):
    ids = [add(cluster_store, f"c{i}") for i in range(8)]
    for article_id in ids[:2]:  # another worker's batch, committed while the claim's query ran
        cluster_store.summaries.save(article_id, "m", text="s")
    done_of = Summaries._done
    stale_views = [ids[:2]]

    def done(model_key, among=None):
        # the claim's query took its snapshot before that commit and its locks after it: it
        # reads no summary of those articles, though they are no longer locked (a race of a
        # few milliseconds between processes, made certain here); later queries see them
        query = done_of(model_key, among)
        if among is None and stale_views:
            query = query.where(SummaryRow.article_id.not_in(stale_views.pop()))
        return query

    monkeypatch.setattr(Summaries, "_done", staticmethod(done))
    claimed = cluster_store.summaries.summarize_claimed(
        "m", "v", 4, lambda articles: ({a.id: ("s", None) for a in articles}, {})
    )

    # a full batch (a short one would tell the summary job no successor is needed), the two
    # articles locked by the first look kept
    assert [a.id for a in claimed] == ids[2:6]
    assert [a.id for a in cluster_store.summaries.missing("m", 10)] == ids[6:]


def test_a_worker_summarizes_every_queued_article_in_batches(
    cluster_store, postgres_url, fake_summarizer, fake_matcher
):
    ids = [add(cluster_store, f"b{i}") for i in range(20)]
    settings = Settings(database_url=postgres_url, queue="procrastinate", worker_batch_size=8)
    app = worker_app(Services(settings, cluster_store, fake_summarizer, fake_matcher))

    async def run_until_empty():
        async with app.open_async():
            await app.run_worker_async(queues=["summaries"], wait=False)

    asyncio.run(run_until_empty())

    texts = cluster_store.summaries.texts(ids, fake_summarizer.model_key)
    assert all(texts[i] for i in ids)
    assert set(cluster_store.summaries.vectors(ids, fake_matcher.model_key)) == set(ids)
    statuses = [status for name, status in jobs(cluster_store) if name == SUMMARIZE_TASK]
    # 20 articles in batches of 8: two full batches queue a successor each, the third is short
    assert statuses == ["succeeded"] * 3


def test_the_reconciler_queues_a_job_for_articles_still_without_a_summary(
    postgres_url, fake_summarizer, fake_matcher
):
    store = _fresh_postgres_store(postgres_url)  # no job queued as they are stored
    ids = [add(store, f"c{i}") for i in range(3)]
    settings = Settings(database_url=postgres_url, queue="procrastinate")
    apply_queue_schema(postgres_url)
    app = worker_app(Services(settings, store, fake_summarizer, fake_matcher))

    async def reconcile_then_run():
        async with app.open_async():
            await app.configure_task(RECONCILE_TASK).defer_async(timestamp=0)
            await app.run_worker_async(queues=["summaries"], wait=False)

    asyncio.run(reconcile_then_run())

    texts = store.summaries.texts(ids, fake_summarizer.model_key)
    assert set(texts) == set(ids) and all(texts.values())
    store.close()


@pytest.mark.parametrize(
    ("seconds", "cron"),
    [(1, "* * * * * */1"), (7, "* * * * * */6"), (60, "*/1 * * * *"), (7200, "0 * * * *")],
)
def test_periodic_tasks_run_about_as_often_as_asked(seconds, cron):
    assert cron_every(seconds) == cron
