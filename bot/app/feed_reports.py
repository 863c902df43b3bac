"""Telling admins of failing feeds from the stored failure state, for cluster mode: there the
feeds are polled by `digestbot worker`s, which have no Telegram connection, so the process
that sends the pushes (holding the push lease, one in the fleet at a time) tells the admin who
added a feed once it has failed `FAILURES_TO_REPORT` times in a row, once per failure streak
(a successful poll clears `failure_reported`). In local mode the bot's own feed ticker tells
them as it polls (bot.telegram.handlers.feeds.poll_tick)."""

from __future__ import annotations

import asyncio
import logging

from bot.app.chats import chat_language
from bot.app.feeds import FAILURES_TO_REPORT
from bot.app.sending import MessageSender, SendStatus
from bot.app.services import Services
from bot.core.domain import RenderedMessage
from bot.render import replies

log = logging.getLogger(__name__)


async def report_failing_feeds(services: Services, sender: MessageSender) -> int:
    """Tell each failing feed's admin that was not told yet; how many were told. A send to try
    again later (flood limit, network) leaves the feed to a later run."""
    store, settings = services.store, services.settings
    failing = await asyncio.to_thread(store.feeds.unreported_failing, FAILURES_TO_REPORT)
    told = 0
    for feed in failing:
        admin = feed.added_by  # a user id: their private chat with the bot
        language = await asyncio.to_thread(chat_language, store, settings, admin)
        notice = RenderedMessage(replies.feed_failing(feed, language=language))
        outcome = await sender.send(admin, notice, what="a failing-feed notice")
        if outcome.status is SendStatus.RETRY_LATER:
            continue
        if outcome.status is not SendStatus.SENT:  # refused, or the admin blocked the bot
            log.warning("could not tell %d about feed %d: %s", admin, feed.id, outcome.error)
        await asyncio.to_thread(store.feeds.mark_failure_reported, feed.id)
        told += outcome.status is SendStatus.SENT
    return told
