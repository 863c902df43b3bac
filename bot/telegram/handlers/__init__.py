"""Telegram handlers: one module per command family; each parses, calls one service, replies."""

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.telegram.handlers import (
    access,
    articles,
    buttons,
    chats,
    digests,
    errors,
    feedlists,
    feeds,
    guide,
    library,
    operator,
    preferences,
    subscriptions,
    topics,
)
from bot.telegram.keyboards import DIGEST_BUTTONS

# Commands also read from channel posts: only a channel's admins can post, so they manage it.
MESSAGES_AND_POSTS = filters.UpdateType.MESSAGES | filters.UpdateType.CHANNEL_POST


def register_handlers(application: Application) -> None:
    """Attach every handler to the application, unknown commands last.

    Groups run in order and one handler per group handles an update: the access gate (-2)
    stops updates from chats that may not use the bot, then any update marks its chat active
    again (-1), then the commands and messages (0).
    """
    application.add_handler(TypeHandler(Update, access.gate), group=-2)
    application.add_handler(TypeHandler(Update, chats.reactivate), group=-1)
    application.add_handler(CommandHandler("start", guide.start))
    application.add_handler(CommandHandler("help", guide.help_command))
    application.add_handler(CommandHandler("digest", digests.digest))
    application.add_handler(CommandHandler("add", articles.add))
    application.add_handler(CommandHandler("addfeed", feeds.add_feed))
    application.add_handler(CommandHandler("feeds", feeds.list_feeds))
    application.add_handler(CommandHandler("removefeed", feeds.remove_feed))
    _register_articles_and_feed_lists(application)
    application.add_handler(
        CommandHandler("subscribe", subscriptions.subscribe, filters=MESSAGES_AND_POSTS)
    )
    application.add_handler(
        CommandHandler("unsubscribe", subscriptions.unsubscribe, filters=MESSAGES_AND_POSTS)
    )
    application.add_handler(
        CommandHandler(
            "subscriptions", subscriptions.list_subscriptions, filters=MESSAGES_AND_POSTS
        )
    )
    for name, command in (
        ("pause", preferences.pause),
        ("resume", preferences.resume),
        ("set", preferences.set_options),
        ("settings", preferences.settings),
    ):
        application.add_handler(CommandHandler(name, command, filters=MESSAGES_AND_POSTS))
    application.add_handler(CommandHandler("timezone", chats.timezone, filters=MESSAGES_AND_POSTS))
    application.add_handler(CommandHandler("language", chats.language, filters=MESSAGES_AND_POSTS))
    application.add_handler(CommandHandler("topics", topics.topics))
    application.add_handler(CommandHandler("stats", operator.stats))
    application.add_handler(CommandHandler("version", operator.version))
    application.add_handler(CallbackQueryHandler(buttons.press, pattern=DIGEST_BUTTONS))
    application.add_handler(MessageHandler(filters.COMMAND, guide.unknown_command))
    private = filters.ChatType.PRIVATE
    application.add_handler(MessageHandler(private & filters.Document.ALL, articles.document))
    application.add_handler(MessageHandler(private & filters.TEXT, articles.text))
    channel = filters.UpdateType.CHANNEL_POST
    application.add_handler(MessageHandler(channel & filters.TEXT, articles.channel_post))
    # last: button data no other handler took (stale or forged) gets a polite answer
    application.add_handler(CallbackQueryHandler(buttons.press))
    application.add_error_handler(errors.on_error)


def _register_articles_and_feed_lists(application: Application) -> None:
    """/recent, /search, /article, /delete; /import (also as a file's caption, or an .opml
    file sent alone in a private chat), /export."""
    application.add_handler(CommandHandler("recent", library.recent))
    application.add_handler(CommandHandler("search", library.search))
    application.add_handler(CommandHandler("article", library.article))
    application.add_handler(CommandHandler("delete", library.delete))
    application.add_handler(CommandHandler("import", feedlists.import_feeds))
    # a file captioned /import; in a private chat any .opml file (it is no article)
    opml_file = filters.ChatType.PRIVATE & filters.Document.FileExtension("opml")
    application.add_handler(
        MessageHandler(
            filters.Document.ALL & (filters.CaptionRegex(feedlists.IMPORT_CAPTION) | opml_file),
            feedlists.import_feeds,
        )
    )
    application.add_handler(CommandHandler("export", feedlists.export_feeds))
