"""A digest longer than one message, offered as one file ("Whole digest as a file"): an HTML
page to read offline and the same digest as JSON (bot.render.page).

For a push the digest is read back from its stored delivery: its articles (in the order the
push showed them) with their whole summaries, so the button works after a restart and shows
what was pushed, not what the topic matches today (a delivery keeps no relevance: the JSON
gives each pushed article 1.0, in the pushed order). For a /digest answer it is the topic's
digest over the asked period, every page of it.
"""

from __future__ import annotations

import json
from datetime import tzinfo
from zoneinfo import ZoneInfo

from bot.app.digests import recent_digest
from bot.app.sending import Attachment
from bot.app.services import Services
from bot.core.domain import Digest, DigestItem
from bot.render.i18n import tr, trn
from bot.render.page import digest_json, file_stem, render_page


def digest_files(digest: Digest, *, tz: tzinfo, language: str) -> list[Attachment]:
    """The digest as an HTML page and as JSON, named after its topic and last day; the page
    and the captions in `language`."""
    stem = file_stem(digest, tz=tz)
    count = len(digest.items)
    caption = trn(
        language,
        "Digest: {topic}, {count} article on one page",
        "Digest: {topic}, {count} articles on one page",
        count,
        topic=digest.topic,
    )
    page = render_page(digest, language=language, tz=tz).encode()
    data = json.dumps(digest_json(digest), ensure_ascii=False, indent=2).encode()
    return [
        Attachment(f"{stem}.html", page, caption),
        Attachment(f"{stem}.json", data, tr(language, "The same digest as JSON")),
    ]


def pushed_digest_files(
    services: Services, *, chat_id: int, delivery_id: int, language: str
) -> list[Attachment] | None:
    """The files of the digest pushed as delivery `delivery_id` to `chat_id` (a blocking call),
    in `language`; None when that delivery is gone, another chat's or holds no article still
    stored."""
    store = services.store
    delivery = store.deliveries.get(delivery_id)
    subscription = delivery and store.chats.subscription(delivery.subscription_id)
    if subscription is None or subscription.chat_id != chat_id:
        return None
    ids = [i for index in range(len(delivery.parts)) for i, _ in delivery.articles_of(index)]
    articles = [a for a in map(store.articles.get, ids) if a is not None]
    if not articles:
        return None
    summaries = store.summaries.texts([a.id for a in articles], services.summarizer.model_key)
    digest = Digest(
        topic=subscription.topic,
        since=min(a.dated for a in articles),
        until=delivery.covered_until,
        items=[DigestItem(a, summaries.get(a.id), 1.0) for a in articles],
    )
    return digest_files(digest, tz=ZoneInfo(subscription.timezone), language=language)


def asked_digest_files(
    services: Services, topic: str, *, days: int | None, timezone: str, language: str
) -> list[Attachment] | None:
    """The files of the topic's whole digest over the last `days` (None: `digest_days`), as
    /digest answers it (a blocking call), in `language`; None when no article matches any
    more."""
    digest = recent_digest(services, topic, days=days)
    if not digest.items:
        return None
    return digest_files(digest, tz=ZoneInfo(timezone), language=language)
