"""Stored articles managed: the latest, a search over the whole store, one with its sources,
deleting by who added it or an admin, and pruning by keep_days with one log line."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.app.articles import (
    Deletion,
    NoSearchWordsError,
    article_record,
    delete_article,
    prune_old_articles,
    recent_articles,
    search_articles,
)
from bot.app.intake import store_drafts
from bot.core.domain import ArticleDraft

NOW = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)


def add(store, title: str, text: str, *, source="a.txt", chat_id=None, user_id=None):
    draft = ArticleDraft(title=title, text=text, source=source)
    [outcome] = store_drafts(store, [draft], chat_id=chat_id, user_id=user_id)
    return outcome.article


@pytest.fixture
def articles(sqlite_store):
    return [
        add(sqlite_store, "Port strike ends", "Dock workers in Rotterdam voted to return."),
        add(sqlite_store, "North Korean launch", "Pyongyang fired a missile over the sea."),
        add(sqlite_store, "Strike at the port", "The port of Antwerp stopped as workers struck."),
    ]


def test_recent_lists_the_newest_first(sqlite_store, articles):
    assert [a.title for a in recent_articles(sqlite_store, 2)] == [
        "Strike at the port",
        "North Korean launch",
    ]


def test_a_search_finds_every_word_in_any_order_and_word_forms(sqlite_store, articles):
    both = search_articles(sqlite_store, "strike PORT", 10)
    korea = search_articles(sqlite_store, "korea", 10)
    newest = search_articles(sqlite_store, "port", 1)

    assert [a.title for a in both.articles] == ["Strike at the port", "Port strike ends"]
    assert [a.title for a in korea.articles] == ["North Korean launch"]
    assert (newest.total, [a.title for a in newest.articles]) == (2, ["Strike at the port"])
    assert search_articles(sqlite_store, "port volcano", 10).total == 0


@pytest.mark.parametrize("words", ["", "?!", " ".join(f"w{n}" for n in range(9))])
def test_a_search_without_words_or_with_too_many_is_refused(sqlite_store, words):
    with pytest.raises(NoSearchWordsError):
        search_articles(sqlite_store, words, 10)


def test_an_article_comes_with_every_source_it_arrived_from(sqlite_store):
    first = add(sqlite_store, "Port strike ends", "Dock workers voted.", chat_id=5, user_id=5)
    add(sqlite_store, "Port strike ends", "Dock workers voted.", source="b.txt", chat_id=6)

    record = article_record(sqlite_store, first.id)

    assert [s.source for s in record.sources] == ["a.txt", "b.txt"]
    assert record.article.text == "Dock workers voted."
    assert article_record(sqlite_store, first.id + 1) is None


def test_who_added_an_article_or_an_admin_may_delete_it_and_nobody_else(sqlite_store):
    mine = add(sqlite_store, "Mine", "Text one.", chat_id=-100, user_id=5)
    shared = add(sqlite_store, "Shared", "Text two.", chat_id=5, user_id=5)
    add(sqlite_store, "Shared", "Text two.", source="b.txt", chat_id=6, user_id=6)
    channel = add(sqlite_store, "Channel post", "Text three.", chat_id=-200)

    def delete(article, user_id, is_admin=False):
        return delete_article(sqlite_store, article.id, user_id=user_id, is_admin=is_admin)

    assert delete(mine, 6) is Deletion.NOT_YOURS
    assert delete(shared, 5) is Deletion.NOT_YOURS  # someone else sent it too
    assert delete(channel, None) is Deletion.NOT_YOURS
    assert delete(mine, 5) is Deletion.DELETED
    assert delete(mine, 5) is Deletion.NOT_FOUND
    assert delete(shared, 9, is_admin=True) is Deletion.DELETED
    assert sqlite_store.articles.get(shared.id) is None
    assert sqlite_store.articles.get(channel.id) is not None


def test_pruning_keeps_everything_with_keep_days_0_and_logs_one_line_otherwise(
    sqlite_store, articles, caplog
):
    caplog.set_level(logging.INFO, logger="bot.app.articles")

    kept = prune_old_articles(sqlite_store, 0, NOW + timedelta(days=400))
    pruned = prune_old_articles(sqlite_store, 30, datetime.now(UTC) + timedelta(days=31))

    assert kept is None and pruned.articles == 3
    [line] = [r.getMessage() for r in caplog.records if r.name == "bot.app.articles"]
    assert line.startswith("retention (keep_days=30): pruned 3 articles, 0 summaries")
    assert recent_articles(sqlite_store, 10) == []
