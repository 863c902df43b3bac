"""Managing the stored articles: the latest ones, a search over the whole store, one article in
full with its sources, deleting one, and pruning what is older than `keep_days`.

A search finds the articles holding every word asked for, in any order, each word also as
the start of a longer one with the same stem as topics use ("korea" finds "Korean"), through
the store's full-text index. Deleting is for the person who added an article (every source of
it theirs) or an admin; the command line is the operator's and may delete any.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.core.domain import ArticleSource, Pruned, StoredArticle
from bot.store import Store
from summarizer.topics.names import topic_terms

log = logging.getLogger(__name__)

MAX_SEARCH_WORDS = 8


class NoSearchWordsError(ValueError):
    """A search holding no word to look for (only signs, or too many words)."""


@dataclass(frozen=True)
class Matches:
    """The newest articles a search found, and how many it found in all."""

    words: str
    total: int
    articles: list[StoredArticle]


@dataclass(frozen=True)
class ArticleRecord:
    """An article with every source it arrived from."""

    article: StoredArticle
    sources: list[ArticleSource]


class Deletion(StrEnum):
    """What a request to delete an article came to."""

    DELETED = "deleted"
    NOT_FOUND = "not found"
    NOT_YOURS = "not yours"  # someone else (too) added it, and the asker is no admin


def recent_articles(store: Store, limit: int) -> list[StoredArticle]:
    """The `limit` most recently stored articles, newest first."""
    return store.catalog.latest(limit)


def search_articles(store: Store, words: str, limit: int) -> Matches:
    """The `limit` newest articles holding all of `words` (NoSearchWordsError when `words`
    has none, or more than MAX_SEARCH_WORDS)."""
    terms = list(dict.fromkeys(topic_terms(words)))
    if not terms or len(terms) > MAX_SEARCH_WORDS:
        raise NoSearchWordsError(words)
    found = store.articles.naming([terms[:1]])
    for term in terms[1:]:
        if not found:
            break
        found &= store.articles.naming([[term]])
    return Matches(words, len(found), store.catalog.latest(limit, among=found))


def article_record(store: Store, article_id: int) -> ArticleRecord | None:
    """Article `article_id` with its sources, None when there is no such article."""
    article = store.articles.get(article_id)
    if article is None:
        return None
    return ArticleRecord(article, store.catalog.sources(article_id))


def delete_article(
    store: Store, article_id: int, *, user_id: int | None, is_admin: bool
) -> Deletion:
    """Delete an article for `user_id` when they added it (every one of its sources is
    theirs) or are an admin; the command line passes is_admin=True. Without a user (a
    channel's post) only an admin may."""
    sources = store.catalog.sources(article_id)
    if not sources:
        return Deletion.NOT_FOUND
    if not is_admin and (user_id is None or any(s.user_id != user_id for s in sources)):
        return Deletion.NOT_YOURS
    deleted = store.catalog.delete(article_id)
    if deleted:
        log.info("article %d deleted by %s", article_id, user_id or "the operator")
    return Deletion.DELETED if deleted else Deletion.NOT_FOUND


def prune_old_articles(store: Store, keep_days: int, now: datetime) -> Pruned | None:
    """Delete what is older than `keep_days` (articles by arrival, with their summaries;
    finished deliveries; seen feed entry keys), logging one line; None when keep_days is 0
    (keep forever). Articles that an unfinished delivery shows are kept. A feed entry's keys
    are renewed at each poll that still finds it (bot.app.feeds), so only entries gone from
    their feed that long are forgotten, and a pruned article is not taken in again."""
    if keep_days <= 0:
        return None
    before = now - timedelta(days=keep_days)
    pruned = store.catalog.prune(before)
    log.info(
        "retention (keep_days=%d): pruned %d articles, %d summaries, %d deliveries, "
        "%d feed entry keys from before %s; %d old articles kept for unfinished deliveries",
        keep_days, pruned.articles, pruned.summaries, pruned.deliveries, pruned.feed_keys,
        before.isoformat(timespec="seconds"), pruned.kept_for_deliveries,
    )  # fmt: skip
    return pruned
