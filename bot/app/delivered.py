"""A pushed digest read back for the buttons under its messages: a message's text and articles
come from the stored delivery, so the buttons keep working after a restart."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.domain import Delivery, DigestItem, Subscription
from bot.store import Store


@dataclass(frozen=True)
class DeliveredMessage:
    """Message `index` of a pushed digest, with its subscription; `item` is the article asked
    for, with its summary, when one was."""

    delivery: Delivery
    subscription: Subscription
    index: int
    item: DigestItem | None = None


def delivered_message(
    store: Store,
    summary_key: str,
    *,
    chat_id: int,
    delivery_id: int,
    index: int,
    article_id: int | None = None,
) -> DeliveredMessage | None:
    """Message `index` of delivery `delivery_id` as the chat's buttons see it, with article
    `article_id` (and its summary by the `summary_key` model) when given. None when the digest
    is gone or another chat's, the message is not one of it, or the article not in it."""
    delivery = store.deliveries.get(delivery_id)
    subscription = delivery and store.chats.subscription(delivery.subscription_id)
    if subscription is None or subscription.chat_id != chat_id or index >= len(delivery.parts):
        return None
    message = DeliveredMessage(delivery, subscription, index)
    if article_id is None:
        return message
    shown = {shown_id for shown_id, _ in delivery.articles_of(index)}
    article = article_id in shown and store.articles.get(article_id)
    if not article:
        return None
    summary, _ = store.summaries.state(article.id, summary_key)
    return DeliveredMessage(
        delivery, subscription, index, DigestItem(article=article, summary=summary, relevance=1.0)
    )
