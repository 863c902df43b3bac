"""A digest longer than one message, offered as one view ("Whole digest as a file"): an HTML
page to read offline and the same digest as JSON (bot.render.page), or, when a Telegraph token
is set, one page on telegra.ph (bot.render.telegraph; the files remain the fallback).

For a push the digest is read back from its stored delivery: its articles (in the order the
push showed them) with their whole summaries, so the button works after a restart and shows
what was pushed, not what the topic matches today (a delivery keeps no relevance: the JSON
gives each pushed article 1.0, in the pushed order). For a /digest answer it is the topic's
digest over the asked period, every page of it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.app.digests import recent_digest
from bot.app.sending import Attachment
from bot.app.services import Services
from bot.core.domain import Digest, DigestItem
from bot.render.i18n import tr, trn
from bot.render.page import digest_json, file_stem, render_page
from bot.render.telegraph import TelegraphPage, telegraph_page

log = logging.getLogger(__name__)


class PageNotPublished(Exception):
    """The page publisher could not make the page (unreachable, refused, or a bad answer)."""


class PagePublisher(Protocol):
    """Makes a web page of a digest (the Telegraph client, bot.telegram.telegraph)."""

    async def create_page(self, page: TelegraphPage) -> str: ...


@dataclass(frozen=True)
class WholeDigest:
    """A digest to offer as one view, and the time zone its dates are shown in."""

    digest: Digest
    tz: tzinfo


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


async def published_page(
    publisher: PagePublisher, whole: WholeDigest, *, language: str
) -> str | None:
    """The URL of the digest as one web page in `language`, or None when it could not be made
    (the reason is logged; the caller sends the files instead)."""
    page = telegraph_page(whole.digest, language=language, tz=whole.tz)
    try:
        return await publisher.create_page(page)
    except PageNotPublished as exc:
        log.warning("The digest on %s was not published as a page: %s", whole.digest.topic, exc)
        return None


def pushed_digest(services: Services, *, chat_id: int, delivery_id: int) -> WholeDigest | None:
    """The digest pushed as delivery `delivery_id` to `chat_id` (a blocking call); None when
    that delivery is gone, another chat's or holds no article still stored."""
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
    return WholeDigest(digest, ZoneInfo(subscription.timezone))


def asked_digest(
    services: Services, topic: str, *, days: int | None, timezone: str
) -> WholeDigest | None:
    """The topic's whole digest over the last `days` (None: `digest_days`), as /digest answers
    it (a blocking call); None when no article matches any more."""
    digest = recent_digest(services, topic, days=days)
    if not digest.items:
        return None
    return WholeDigest(digest, ZoneInfo(timezone))
