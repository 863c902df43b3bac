"""Telegram handlers: one module per command family; each parses, calls one service, replies."""

from telegram import Update
from telegram.ext import Application, CommandHandler, MessageHandler, TypeHandler, filters

from bot.handlers import access, articles, digests, errors, feeds, guide, subscriptions, topics


def register_handlers(application: Application) -> None:
    """Attach every handler to the application, unknown commands last."""
    application.add_handler(TypeHandler(Update, access.gate), group=-1)
    application.add_handler(CommandHandler("start", guide.start))
    application.add_handler(CommandHandler("help", guide.help_command))
    application.add_handler(CommandHandler("digest", digests.digest))
    application.add_handler(CommandHandler("add", articles.add))
    application.add_handler(CommandHandler("addfeed", feeds.add_feed))
    application.add_handler(CommandHandler("feeds", feeds.list_feeds))
    application.add_handler(CommandHandler("removefeed", feeds.remove_feed))
    application.add_handler(CommandHandler("subscribe", subscriptions.subscribe))
    application.add_handler(CommandHandler("unsubscribe", subscriptions.unsubscribe))
    application.add_handler(CommandHandler("subscriptions", subscriptions.list_subscriptions))
    application.add_handler(CommandHandler("topics", topics.topics))
    application.add_handler(MessageHandler(filters.COMMAND, guide.unknown_command))
    private = filters.ChatType.PRIVATE
    application.add_handler(MessageHandler(private & filters.Document.ALL, articles.document))
    application.add_handler(MessageHandler(private & filters.TEXT, articles.text))
    channel = filters.UpdateType.CHANNEL_POST
    application.add_handler(MessageHandler(channel & filters.TEXT, articles.channel_post))
    application.add_error_handler(errors.on_error)
