"""Presses of the inline buttons under digests (see bot.telegram.keyboards for the callback data).

"Next page" (under a /digest answer) sends the following page and takes itself off. "Whole
digest as a file" (under the last message of a digest longer than one) sends it as an HTML page
and as JSON, read back from the push (bot.app.exports), or, with a Telegraph token set, a link
to it as one telegra.ph page (the files when that page cannot be made). "Full
summary" edits a pushed digest message in place to show one article whole, "Back to the digest"
edits it back, "Unsubscribe" (the chat's admins only, see bot.telegram.handlers.chats) ends the
subscription and removes the buttons. "Pause" and "Resume" (admins only too) hold or resume the
subscription's pushes and turn into each other on the message pressed, which stays where it is
(in its forum topic); the answer says what resumed pushes hold. Data this bot did not make,
and buttons of digests or subscriptions that are gone, get a short answer and change nothing.

In a channel every reader sees the same post, so a press there changes nothing others see:
"Full summary" answers with the article in an alert for the presser alone, and "Next page"
(never made for a channel) is refused rather than posting into the channel.
"""

from __future__ import annotations

import asyncio
import html
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from telegram import CallbackQuery, LinkPreviewOptions, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.app.arguments import normalize_topic
from bot.app.delivered import delivered_message
from bot.app.exports import (
    WholeDigest,
    asked_digest,
    digest_files,
    published_page,
    pushed_digest,
)
from bot.app.preferences import toggle_pause
from bot.app.pushes import offers_whole_digest
from bot.app.sending import SendStatus
from bot.app.services import Services
from bot.app.subscriptions import unsubscribe_by_id
from bot.core.domain import RenderedMessage
from bot.core.texts import N_
from bot.render import replies
from bot.render.formatting import render_article, render_article_alert
from bot.render.i18n import tr
from bot.telegram.handlers.chats import admins_only, is_manager
from bot.telegram.handlers.context import sender_of, services_of, telegraph_of
from bot.telegram.handlers.digests import send_digest_page, topic_thread
from bot.telegram.handlers.language import language_of
from bot.telegram.keyboards import (
    ButtonPress,
    article_markup,
    digest_markup,
    parse_callback,
    toggled_pause_markup,
)

UNKNOWN_BUTTON = N_("This button is not one of mine any more. Send /help to see what I can do.")
STALE_DIGEST = N_("This digest is no longer available.")
FILES_NOT_IN_CHANNELS = N_(
    "In a channel the file would be posted for every reader. Ask me for the digest in a "
    "private chat instead."
)
ONE_PAGE = N_("The whole digest on one page: {url}")
NO_PAGE = N_("The digest could not be made into one page just now; here it is as files.")


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a button press under a digest."""
    query = update.callback_query
    button = parse_callback(query.data)
    services = services_of(context)
    language = await language_of(update, context)
    in_channel = query.message is not None and query.message.chat.type == ChatType.CHANNEL
    if button is None or query.message is None or (in_channel and button.action == "page"):
        await query.answer(tr(language, UNKNOWN_BUTTON))
    elif button.action == "unsubscribe":
        await _unsubscribe(query, context, services, button.subscription_id, language)
    elif button.action in ("pause", "resume"):
        await _pause(query, context, services, button, language)
    elif button.action == "page":
        await _next_page(query, context, button, language)
    elif button.action in ("pushed file", "digest file"):
        await _send_whole_digest(query, context, services, button, language)
    else:
        await _show(query, services, button, language)


async def _unsubscribe(
    query: CallbackQuery,
    context: ContextTypes.DEFAULT_TYPE,
    services: Services,
    subscription_id: int,
    language: str,
) -> None:
    chat = query.message.chat
    if not await _presser_manages(query, context, language):
        return
    subscription = await asyncio.to_thread(
        unsubscribe_by_id, services.store, chat.id, subscription_id
    )
    if subscription is None:
        answer = tr(language, "This chat is no longer subscribed to that topic.")
    else:
        answer = tr(language, "Unsubscribed from {topic}.", topic=subscription.topic)
    await _keep_if_unchanged(query.edit_message_reply_markup(reply_markup=None))
    await query.answer(answer)


async def _presser_manages(
    query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE, language: str
) -> bool:
    """Whether the presser may change the chat's subscriptions; if not, they are told why."""
    chat = query.message.chat
    if await is_manager(context.bot, chat, query.from_user, None):
        return True
    await query.answer(admins_only(chat, language), show_alert=True)
    return False


async def _pause(
    query: CallbackQuery,
    context: ContextTypes.DEFAULT_TYPE,
    services: Services,
    button: ButtonPress,
    language: str,
) -> None:
    """Pause or resume the button's subscription; its button turns into the other one."""
    chat = query.message.chat
    if not await _presser_manages(query, context, language):
        return
    subscription = await asyncio.to_thread(
        toggle_pause,
        services.store,
        chat.id,
        button.subscription_id,
        paused=button.action == "pause",
        now=datetime.now(UTC),
    )
    if subscription is None:
        await query.answer(tr(language, "This chat is no longer subscribed to that topic."))
        return
    markup = toggled_pause_markup(
        query.message.reply_markup, subscription.id, paused=subscription.paused, language=language
    )
    if markup is not None:
        await _keep_if_unchanged(query.edit_message_reply_markup(reply_markup=markup))
    answer = replies.pause_toggled(subscription, language=language)
    await query.answer(answer, show_alert=not subscription.paused)


async def _next_page(
    query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE, button: ButtonPress, language: str
) -> None:
    """Send the asked page of a /digest answer and take the button off the page before it."""
    try:
        topic = normalize_topic(button.topic)
    except ValueError:
        await query.answer(tr(language, UNKNOWN_BUTTON))
        return
    await query.answer()
    await _keep_if_unchanged(query.edit_message_reply_markup(reply_markup=None))
    chat_id, thread_id = query.message.chat.id, topic_thread(query.message)
    await send_digest_page(
        context,
        chat_id,
        topic,
        button.page,
        days=button.days,
        thread_id=thread_id,
        language=language,
    )


async def _send_whole_digest(
    query: CallbackQuery,
    context: ContextTypes.DEFAULT_TYPE,
    services: Services,
    button: ButtonPress,
    language: str,
) -> None:
    """Offer the whole digest as one view: with a Telegraph token, a link to it as one page
    (in a channel in an alert for the presser alone); without one, or when the page cannot be
    made, the HTML and JSON files (not in a channel, where every reader would get them)."""
    chat = query.message.chat
    in_channel = chat.type == ChatType.CHANNEL
    publisher = telegraph_of(context)
    if in_channel and publisher is None:
        await query.answer(tr(language, FILES_NOT_IN_CHANNELS), show_alert=True)
        return
    whole = await _whole_digest(query, services, button, language)
    if whole is None:
        return
    url = publisher and await published_page(publisher, whole, language=language)
    if in_channel:
        answer = tr(language, ONE_PAGE, url=url) if url else tr(language, FILES_NOT_IN_CHANNELS)
        await query.answer(answer, show_alert=True)
        return
    await query.answer()
    sender, thread_id = sender_of(context), topic_thread(query.message)
    if url or publisher is not None:
        text = tr(language, ONE_PAGE, url=html.escape(url)) if url else tr(language, NO_PAGE)
        what = "a digest page link" if url else "a digest page failure"
        outcome = await sender.send(
            chat.id, RenderedMessage(text), thread_id=thread_id, previews=bool(url), what=what
        )
        if url or outcome.status is not SendStatus.SENT:
            return
    for attachment in digest_files(whole.digest, tz=whole.tz, language=language):
        outcome = await sender.send_file(
            chat.id, attachment, thread_id=thread_id, what=attachment.name
        )
        if outcome.status is not SendStatus.SENT:
            break


async def _whole_digest(
    query: CallbackQuery, services: Services, button: ButtonPress, language: str
) -> WholeDigest | None:
    """The digest a whole-digest button is for; None (and the presser told why) when it is
    gone or the button is not one of ours."""
    chat = query.message.chat
    if button.action == "pushed file":
        whole = await asyncio.to_thread(
            pushed_digest, services, chat_id=chat.id, delivery_id=button.delivery_id
        )
    else:
        try:
            topic = normalize_topic(button.topic)
        except ValueError:
            await query.answer(tr(language, UNKNOWN_BUTTON))
            return None
        timezone = await asyncio.to_thread(
            services.store.chats.ensure, chat.id, timezone=services.settings.default_timezone
        )
        whole = await asyncio.to_thread(
            asked_digest, services, topic, days=button.days, timezone=timezone
        )
    if whole is None:
        await query.answer(tr(language, STALE_DIGEST))
    return whole


async def _show(
    query: CallbackQuery, services: Services, button: ButtonPress, language: str
) -> None:
    """Show one article whole ("full") or the digest message again ("back")."""
    back = button.action == "back"
    shown = await asyncio.to_thread(
        delivered_message,
        services.store,
        services.summarizer.model_key,
        chat_id=query.message.chat.id,
        delivery_id=button.delivery_id,
        index=button.message_index,
        article_id=None if back else button.article_id,
    )
    if shown is None:
        await query.answer(tr(language, STALE_DIGEST))
        return
    delivery, index, subscription_id = shown.delivery, shown.index, shown.subscription.id
    if back:
        text = delivery.parts[index]
        markup = digest_markup(
            delivery.id,
            index,
            delivery.articles_of(index),
            subscription_id,
            language=language,
            full_summaries=True,  # "Back" is only under an article a Full summary button showed
            whole_digest=offers_whole_digest(index, len(delivery.parts)),
            one_page=services.settings.telegraph_enabled,
            paused=shown.subscription.paused,
        )
    elif query.message.chat.type == ChatType.CHANNEL:
        await query.answer(render_article_alert(shown.item, language=language), show_alert=True)
        return
    else:
        tz = ZoneInfo(shown.subscription.timezone)
        text = render_article(shown.item, language=language, tz=tz)
        markup = article_markup(delivery.id, index, subscription_id, language=language)
    await _keep_if_unchanged(
        query.edit_message_text(
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )
    )
    await query.answer()


async def _keep_if_unchanged(edit) -> None:
    """Run an edit; a second press of the same button changes nothing, which Telegram refuses
    with "message is not modified" — that is fine."""
    try:
        await edit
    except BadRequest as exc:
        if "not modified" not in exc.message:
            raise
