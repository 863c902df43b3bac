"""A pushed digest read back for its buttons: a message's text, and one of its articles with its
summary; another chat's digest, a message it does not have or an article not in it is stale."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app.delivered import delivered_message
from bot.core.domain import ArticleDraft

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
CHAT, OTHER_CHAT = 5, 6


@pytest.fixture
def pushed(sqlite_store):
    """A digest pushed to CHAT in two messages: the first shows articles gas and oil."""
    store = sqlite_store
    gas, _ = store.articles.add(
        ArticleDraft("Gas deal", "Russia sells gas.", "wire"), fingerprint="gas", received_at=NOW
    )
    oil, _ = store.articles.add(
        ArticleDraft("Oil deal", "Russia sells oil.", "wire"), fingerprint="oil", received_at=NOW
    )
    store.summaries.save(gas.id, "m", text="Russia sells gas to India.")
    store.chats.ensure(CHAT, timezone="UTC")
    subscription, _ = store.chats.subscribe(
        CHAT, "russia", schedule="daily 08:00", next_run_at=NOW, covered_until=NOW
    )
    delivery = store.deliveries.begin(
        subscription.id,
        due_at=NOW,
        covered_until=NOW,
        parts=["<b>russia</b> 1", "<b>russia</b> 2"],
        part_articles=[[(gas.id, gas.title), (oil.id, oil.title)], []],
    )
    return store, delivery, gas, oil


def test_a_message_of_the_digest_is_read_back_with_its_subscription(pushed):
    store, delivery, _, _ = pushed

    shown = delivered_message(store, "m", chat_id=CHAT, delivery_id=delivery.id, index=1)

    assert shown.delivery.parts[shown.index] == "<b>russia</b> 2"
    assert (shown.subscription.topic, shown.item) == ("russia", None)


def test_an_article_of_the_message_comes_with_its_summary_or_none_yet(pushed):
    store, delivery, gas, oil = pushed
    ask = dict(chat_id=CHAT, delivery_id=delivery.id, index=0)

    summarized = delivered_message(store, "m", article_id=gas.id, **ask)
    waiting = delivered_message(store, "m", article_id=oil.id, **ask)

    assert (summarized.item.article, summarized.item.summary) == (gas, "Russia sells gas to India.")
    assert (waiting.item.article.id, waiting.item.summary) == (oil.id, None)


def test_another_chats_digest_a_missing_message_or_an_article_not_shown_is_stale(pushed):
    store, delivery, gas, _ = pushed

    def shown(chat_id=CHAT, delivery_id=delivery.id, index=0, article_id=None):
        return delivered_message(
            store, "m", chat_id=chat_id, delivery_id=delivery_id, index=index, article_id=article_id
        )

    assert shown(chat_id=OTHER_CHAT) is None
    assert shown(index=2) is None
    assert shown(delivery_id=delivery.id + 1) is None
    assert shown(index=1, article_id=gas.id) is None
