"""/topics: what the store holds this period — its main subjects with article counts."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.app.digests import recent_period
from bot.app.subjects import TOPICS_SHOWN, subject_counts_in_period
from bot.render import replies
from bot.telegram.handlers.context import services_of
from bot.telegram.handlers.language import language_of


async def topics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the subjects most articles of the last `digest_days` name, with their counts."""
    services = services_of(context)
    days = services.settings.digest_days
    counts = await asyncio.to_thread(
        subject_counts_in_period, services.store, *recent_period(days), limit=TOPICS_SHOWN
    )
    await update.effective_message.reply_text(
        replies.topics_overview(counts, days=days, language=await language_of(update, context)),
        parse_mode=ParseMode.HTML,
    )
