"""Texts the bot sends in answer to commands (Telegram HTML, user text always escaped)."""

from __future__ import annotations

from html import escape
from zoneinfo import ZoneInfo

from bot.core.domain import ArticleSource, Feed, PushOptions, StoredArticle, Subscription
from bot.core.requests import TOPIC_SYNTAX, DigestRequest, EmptyDigestAdvice
from bot.core.schedule import format_schedule, parse_schedule
from bot.core.stats import GROUP_NAMES, BotStats
from bot.core.texts import N_, SUMMARY_ERRORS
from bot.render.dates import shown_date, shown_time
from bot.render.formatting import TELEGRAM_MAX_CHARS, split_for_telegram
from bot.render.i18n import LANGUAGES, tr, trn

MAX_SUMMARY_REPLY_CHARS = 3500
SOURCE_WIDTH = 18  # characters of a source's name in the /stats table

# The command menu (setMyCommands), each description translated per language.
COMMANDS: list[tuple[str, str]] = [
    ("add", N_("Store the article at a link: /add https://…")),
    ("digest", N_("Articles about a topic from the last days: /digest russia")),
    ("subscribe", N_("Get a topic's digest pushed on a schedule: /subscribe russia")),
    ("unsubscribe", N_("Stop a topic's pushes: /unsubscribe russia")),
    ("subscriptions", N_("List this chat's topics, their next digest and options")),
    ("pause", N_("Pause a topic's pushes, or all: /pause russia")),
    ("resume", N_("Resume paused pushes: /resume russia")),
    ("set", N_("A subscription's push options: /set russia silent=on max=5")),
    ("settings", N_("Show or set the options new subscriptions take")),
    ("topics", N_("The subjects of this period's articles, with counts")),
    ("recent", N_("The latest stored articles, with their numbers")),
    ("search", N_("Search all stored articles: /search port strike")),
    ("article", N_("An article's whole text and sources: /article 12")),
    ("delete", N_("Delete an article you added: /delete 12")),
    ("feeds", N_("The followed RSS/Atom/JSON feeds (admins)")),
    ("addfeed", N_("Follow an RSS/Atom/JSON feed: /addfeed https://… (admins)")),
    ("removefeed", N_("Stop following feed N: /removefeed 2 (admins)")),
    ("import", N_("Follow the feeds of an attached OPML file (admins)")),
    ("export", N_("The followed feeds as an OPML file (admins)")),
    ("timezone", N_("Show or set this chat's time zone: /timezone Europe/Berlin")),
    ("language", N_("Show or set this chat's language: /language de")),
    ("stats", N_("Articles, summaries, pushes and feeds at a glance (admins)")),
    ("version", N_("The bot's version")),
    ("help", N_("How to use digestbot")),
    ("start", N_("Welcome and a short guide")),
]


def commands(language: str) -> list[tuple[str, str]]:
    """The command menu with its descriptions in `language`."""
    return [(name, tr(language, description)) for name, description in COMMANDS]


def help_text(*, days: int, schedule: str, timezone: str, language: str) -> str:
    """The /help and /start text."""
    return tr(
        language,
        "<b>digestbot</b> stores the news articles you send, summarizes each one with a local "
        "model, and sends you digests by topic.\n\n"
        "<b>Add articles</b>: paste or forward an article's text here, or upload a "
        ".txt, .md or .html file, or send a link (or /add <i>link</i>) and I fetch the page. "
        "I answer with its title, then its summary when ready.\n\n"
        "<b>/digest</b> <i>topic</i> — articles about the topic from the last {days} days, "
        "e.g. /digest russia or /digest north korea; over other days: /digest russia 30d.\n"
        "<b>/subscribe</b> <i>topic</i> — get that digest pushed "
        "{schedule} ({timezone}), holding the "
        "articles that arrived since the previous one. Another schedule: "
        "/subscribe russia at 9am, /subscribe russia weekdays 08:00, "
        "/subscribe russia mon,wed,fri 18:00 or /subscribe russia every 6h.\n"
        "<b>/unsubscribe</b> <i>topic</i> — stop it.\n"
        "<b>/subscriptions</b> — this chat's topics, their next digest and options.\n"
        "<b>/pause</b> [<i>topic</i>], <b>/resume</b> [<i>topic</i>] — hold a topic's pushes "
        "(all topics without one); a resumed topic's next digest holds what arrives from then.\n"
        "<b>/set</b> <i>topic options</i> — how its pushes look: silent=on (no sound), "
        "summary=full, previews=on (link previews), max=5 (at most 5 articles a push), e.g. "
        "/set russia silent=on max=5; the same options fit after /subscribe. "
        "<b>/settings</b> <i>options</i> — the defaults new subscriptions take.\n"
        "<b>/topics</b> — the subjects the articles of the last {days} days name most.\n"
        "<b>/recent</b>, <b>/search</b> <i>words</i> — the latest stored articles, or those "
        "holding all the words; <b>/article</b> <i>number</i> — one in full with its sources; "
        "<b>/delete</b> <i>number</i> — delete one you added.\n"
        "<b>/addfeed</b> <i>link</i>, <b>/feeds</b>, <b>/removefeed</b> <i>number</i> — "
        "follow RSS, Atom and JSON feeds; <b>/import</b> (as the caption of an OPML file), "
        "<b>/export</b> — feed lists in and out (administrators).\n"
        "<b>/timezone</b> <i>name</i> — the chat's time zone for schedules, "
        "e.g. /timezone Europe/Berlin.\n"
        "<b>/language</b> <i>code</i> — the language of my answers, e.g. /language de.\n"
        "<b>/stats</b> — articles by source and day, pushes and failing feeds (administrators); "
        "<b>/version</b> — the bot's version.\n"
        "In groups only admins change subscriptions. To fill a channel, add me as its admin "
        "and post /subscribe russia in the channel.\n\n"
        "A topic is free text: an article counts when it is really about it, also when it "
        'says "Kremlin" or "Moscow" rather than "Russia".\n'
        "{topic_syntax} Add a page number for more: /digest russia 2 "
        "(/digest russia 30d 2 over 30 days).",
        days=days,
        schedule=_schedule(schedule),
        timezone=escape(timezone),
        topic_syntax=escape(tr(language, TOPIC_SYNTAX)),
    )


def unknown_command_text(command: str, *, language: str) -> str:
    """Answer to a command the bot does not have."""
    return tr(
        language,
        "I don't know the command {command}. Send /help to see what I can do.",
        command=escape(command),
    )


def empty_digest(topic: str, days: int, advice: EmptyDigestAdvice, *, language: str) -> str:
    """Answer to a /digest with no articles: what was asked; how to see older articles that
    match when some do, else the topic syntax; and the topics with articles in the same days."""
    if advice.older_days:
        command = DigestRequest(topic, advice.older_days).command()
        first = trn(
            language,
            "No articles about <b>{topic}</b> in the last {days} days; {count} from the last "
            "{older_days} days matches: {command}.",
            "No articles about <b>{topic}</b> in the last {days} days; {count} from the last "
            "{older_days} days match: {command}.",
            advice.older_count,
            topic=escape(topic),
            days=days,
            older_days=advice.older_days,
            command=escape(command),
        )
    else:
        first = tr(
            language,
            "No articles about <b>{topic}</b> in the last {days} days.",
            topic=escape(topic),
            days=days,
        )
    lines = [first]
    if advice.suggestions:
        names = ", ".join(escape(name) for name in advice.suggestions)
        lines.append(tr(language, "Topics with articles in those days: {names}.", names=names))
    if not advice.older_days:
        lines.append(escape(tr(language, TOPIC_SYNTAX)))
    return "\n".join(lines)


def topics_overview(counts: list[tuple[str, int]], *, days: int, language: str) -> str:
    """Answer to /topics: each subject with how many of the period's articles name it."""
    if not counts:
        return tr(
            language,
            "No articles from the last {days} days yet. Send me some: paste text, forward "
            "posts or upload .txt, .md or .html files.",
            days=days,
        )
    lines = "\n".join(
        "• <b>{subject}</b> — {articles}".format(
            subject=escape(subject),
            articles=trn(language, "{count} article", "{count} articles", count),
        )
        for subject, count in counts
    )
    return tr(
        language,
        "<b>Subjects of the last {days} days</b>\n{lines}\n\n"
        "Ask for one with /digest, e.g. /digest {first}, or /subscribe to it.",
        days=days,
        lines=lines,
        first=escape(counts[0][0]),
    )


def article_stored(article: StoredArticle, *, created: bool, language: str) -> str:
    """First answer to an article: its stored title and source."""
    values = {"title": escape(article.title), "byline": escape(_byline(article, language))}
    if article.also_from:
        values["also"] = escape(", ".join(article.also_from))
        if created:
            return tr(
                language, "Stored (also from {also}): <b>{title}</b>\n<i>{byline}</i>", **values
            )
        return tr(
            language, "Already stored (also from {also}): <b>{title}</b>\n<i>{byline}</i>", **values
        )
    if created:
        return tr(language, "Stored: <b>{title}</b>\n<i>{byline}</i>", **values)
    return tr(language, "Already stored: <b>{title}</b>\n<i>{byline}</i>", **values)


def article_summarized(
    article: StoredArticle,
    *,
    created: bool,
    summary: str | None,
    error: str | None,
    language: str,
) -> str:
    """The first answer completed with the summary, or with why there is none."""
    head = article_stored(article, created=created, language=language)
    if summary:
        if len(summary) > MAX_SUMMARY_REPLY_CHARS:
            summary = summary[:MAX_SUMMARY_REPLY_CHARS].rsplit(" ", 1)[0] + " …"
        return f"{head}\n\n{escape(summary)}"
    if error in SUMMARY_ERRORS:
        reason = tr(language, error)
    else:  # none, or one stored before the reasons were these sentences
        reason = escape(error) if error else tr(language, "the summarizer gave none")
    why = tr(language, "No summary: {reason}.", reason=reason)
    return f"{head}\n\n<i>{why}</i>"


def summarizing(article: StoredArticle, *, created: bool, language: str) -> str:
    """The first answer while the summary is being made."""
    head = article_stored(article, created=created, language=language)
    summarizing = tr(language, "Summarizing…")
    return f"{head}\n\n<i>{summarizing}</i>"


def subscription_line(subscription: Subscription, *, language: str) -> str:
    """One subscription with its schedule and next run in the chat's time zone (or paused),
    and its push options."""
    tz = ZoneInfo(subscription.timezone)
    topic = escape(subscription.topic)
    if subscription.paused:
        when = tr(
            language,
            "paused since {since} (/resume {topic})",
            since=shown_time(subscription.paused_at, tz, language=language),
            topic=topic,
        )
    else:
        when = tr(
            language,
            "next {next_run}",
            next_run=shown_time(subscription.next_run_at, tz, language=language),
        )
    return (
        f"• <b>{topic}</b> — {_schedule(subscription.schedule)}, "
        f"{when}\n  <i>{options_text(subscription.options)}</i>"
    )


def options_text(options: PushOptions) -> str:
    """Push options as they are written in /set and /settings (command words: not
    translated)."""
    return (
        f"silent={_switch(options.silent)} summary={options.summary.value} "
        f"previews={_switch(options.previews)} max={options.max_articles or 'all'}"
    )


def options_set(subscription: Subscription, *, language: str) -> str:
    """Answer to /set TOPIC OPTIONS."""
    return tr(
        language,
        "Pushes of <b>{topic}</b>: {options}.",
        topic=escape(subscription.topic),
        options=options_text(subscription.options),
    )


def chat_settings(options: PushOptions, *, changed: bool, language: str) -> str:
    """Answer to /settings: the defaults new subscriptions take."""
    shown = options_text(options)
    if changed:
        head = tr(
            language, "New defaults for this chat's new subscriptions: {options}.", options=shown
        )
    else:
        head = tr(language, "Defaults for this chat's new subscriptions: {options}.", options=shown)
    return (
        head
        + "\n"
        + tr(
            language,
            "Change them with e.g. /settings silent=on max=5; one subscription's with "
            "/set russia summary=full.",
        )
    )


def paused(subscriptions: list[Subscription], topic: str | None, *, language: str) -> str:
    """Answer to /pause (and to the Pause button)."""
    if not subscriptions:
        return not_following(topic, language=language)
    names = ", ".join(f"<b>{escape(s.topic)}</b>" for s in subscriptions)
    again = f"/resume {escape(topic)}" if topic else "/resume"
    return tr(language, "Paused {names}: no pushes until {again}.", names=names, again=again)


def resumed(subscriptions: list[Subscription], topic: str | None, *, language: str) -> str:
    """Answer to /resume: each topic's next digest, and what it covers."""
    if not subscriptions:
        if topic is None:
            return tr(language, "Nothing is paused here. See /subscriptions.")
        return tr(
            language, "<b>{topic}</b> is not paused here. See /subscriptions.", topic=escape(topic)
        )
    lines = [
        tr(
            language,
            "Resumed <b>{topic}</b>: next digest {next_run}.",
            topic=escape(s.topic),
            next_run=shown_time(s.next_run_at, ZoneInfo(s.timezone), language=language),
        )
        for s in subscriptions
    ]
    lines.append(
        tr(
            language,
            "It holds the articles that arrive from now on; those of the paused days are not "
            "pushed (/digest {topic} shows the latest).",
            topic=escape(subscriptions[0].topic),
        )
    )
    return "\n".join(lines)


def pause_toggled(subscription: Subscription, *, language: str) -> str:
    """The answer to a Pause or Resume button (plain text: a button's answer has no markup)."""
    if subscription.paused:
        return tr(
            language,
            "Paused {topic}: no pushes until you resume it.",
            topic=subscription.topic,
        )
    when = shown_time(subscription.next_run_at, ZoneInfo(subscription.timezone), language=language)
    return tr(
        language,
        "Resumed {topic}: next digest {next_run}, holding the articles that arrive "
        "from now on (not those of the paused days).",
        topic=subscription.topic,
        next_run=when,
    )


def not_following(topic: str | None, *, language: str) -> str:
    """The chat follows no such topic (None: none at all)."""
    if topic is None:
        return tr(language, "No subscriptions yet. Start one with /subscribe russia")
    return tr(
        language,
        "This chat is not subscribed to <b>{topic}</b>. See /subscriptions.",
        topic=escape(topic),
    )


def _switch(on: bool) -> str:
    return "on" if on else "off"


def subscription_list(subscriptions: list[Subscription], *, language: str) -> str:
    """Answer to /subscriptions."""
    if not subscriptions:
        return not_following(None, language=language)
    lines = "\n".join(subscription_line(s, language=language) for s in subscriptions)
    return tr(language, "<b>Subscriptions</b>\n{lines}", lines=lines)


def subscribed(
    subscription: Subscription,
    *,
    created: bool,
    days: int,
    language: str,
    rescheduled: bool = False,
) -> str:
    """Answer to /subscribe."""
    topic = escape(subscription.topic)
    if created:
        state = tr(language, "Subscribed to <b>{topic}</b>", topic=topic)
    elif rescheduled:
        state = tr(language, "New schedule for <b>{topic}</b>", topic=topic)
    else:
        state = tr(language, "Already subscribed to <b>{topic}</b>", topic=topic)
    if subscription.paused:
        when = tr(language, "paused (/resume {topic} to go on)", topic=topic)
    else:
        tz = ZoneInfo(subscription.timezone)
        next_run = shown_time(subscription.next_run_at, tz, language=language)
        when = tr(language, "next digest {next_run}", next_run=next_run)
    return tr(
        language,
        "{state}: {schedule} ({timezone}), {when}. "
        "Each holds the articles that arrived since the previous one.\n"
        "Send /digest {topic} for the last {days} days now.\n"
        "Pushes: {options} (/set to change).",
        state=state,
        schedule=_schedule(subscription.schedule),
        timezone=escape(subscription.timezone),
        when=when,
        days=days,
        topic=topic,
        options=options_text(subscription.options),
    )


def more_articles(count: int, topic: str, *, language: str) -> str:
    """The last line of a push cut to its subscription's `max=N` articles (plain text)."""
    return tr(
        language,
        "and {count} more: {command}",
        count=count,
        command=DigestRequest(topic).command(),
    )


def unsubscribed(topic: str, *, removed: bool, language: str) -> str:
    """Answer to /unsubscribe."""
    if removed:
        return tr(language, "Unsubscribed from <b>{topic}</b>.", topic=escape(topic))
    return tr(
        language,
        "This chat is not subscribed to <b>{topic}</b>. See /subscriptions.",
        topic=escape(topic),
    )


def timezone_shown(timezone: str, *, language: str) -> str:
    """Answer to /timezone without a name."""
    return tr(
        language,
        "This chat's time zone is <b>{timezone}</b>. "
        "Change it with /timezone followed by an IANA name, e.g. /timezone Europe/Berlin.",
        timezone=escape(timezone),
    )


def timezone_set(timezone: str, *, rescheduled: bool, language: str) -> str:
    """Answer to /timezone NAME."""
    text = tr(language, "Time zone set to <b>{timezone}</b>.", timezone=escape(timezone))
    if rescheduled:
        text += " " + tr(
            language, "Schedules now follow it; see /subscriptions for the next digests."
        )
    return text


def language_shown(language: str) -> str:
    """Answer to /language without a code: the chat's language and the ones to choose from."""
    choices = ", ".join(f"{code} ({name})" for code, name in LANGUAGES.items())
    return tr(
        language,
        "This chat's language is <b>{name}</b>. Change it with /language followed by a code: "
        "{choices}.",
        name=LANGUAGES[language],
        choices=escape(choices),
    )


def language_set(language: str) -> str:
    """Answer to /language CODE, in the language just chosen."""
    return tr(language, "I answer in <b>{name}</b> from now on.", name=LANGUAGES[language])


def language_unknown(code: str, *, language: str) -> str:
    """Answer to /language with a code the bot has no texts for."""
    choices = ", ".join(f"{known} ({name})" for known, name in LANGUAGES.items())
    return tr(
        language,
        "I have no texts in “{code}”. Choose one of: {choices}.",
        code=escape(code[:16]),
        choices=escape(choices),
    )


def _byline(article: StoredArticle, language: str) -> str:
    parts = [article.source]
    if article.author:
        parts.append(article.author)
    if article.published:
        parts.append(shown_date(article.published, language=language))
    return " · ".join(parts)


def _schedule(spec: str) -> str:
    return escape(format_schedule(parse_schedule(spec)))


def feed_followed(feed: Feed, *, created: bool, language: str) -> str:
    """Answer to /addfeed."""
    title = escape(feed.title)
    if created:
        state = tr(language, "Following feed {id}: <b>{title}</b>", id=feed.id, title=title)
    else:
        state = tr(language, "Already following feed {id}: <b>{title}</b>", id=feed.id, title=title)
    return tr(
        language,
        "{state}\n{url}\nPolled every {interval}; new entries are stored as articles "
        "(the full page is fetched when the feed only has a teaser).",
        state=state,
        url=escape(feed.url),
        interval=_minutes(feed.interval_s, language),
    )


def feed_list(feeds: list[Feed], *, language: str) -> str:
    """Answer to /feeds."""
    if not feeds:
        return tr(language, "No feeds yet. Follow one with /addfeed <i>link</i>.")
    lines = [tr(language, "<b>Feeds</b> (/removefeed <i>number</i> to stop one)")]
    for feed in feeds:
        state = tr(language, "every {interval}", interval=_minutes(feed.interval_s, language))
        if feed.failures:
            state += tr(
                language,
                "; failed {count}× ({error})",
                count=feed.failures,
                error=escape(feed.last_error or tr(language, "unknown")),
            )
        lines.append(f"{feed.id}. <b>{escape(feed.title)}</b> — {escape(feed.url)} — {state}")
    return "\n".join(lines)


def feed_removed(feed: Feed, *, language: str) -> str:
    """Answer to /removefeed."""
    return tr(
        language,
        "Stopped following <b>{title}</b>. Its stored articles stay.",
        title=escape(feed.title),
    )


def feed_failing(feed: Feed, *, language: str) -> str:
    """Told once to the admin who added a feed that keeps failing."""
    return tr(
        language,
        "The feed <b>{title}</b> ({url}) has failed {count} times in a row: {error}\n"
        "I keep trying less and less often. Fix the feed, or stop it with /removefeed {id}.",
        title=escape(feed.title),
        url=escape(feed.url),
        count=feed.failures,
        error=escape(feed.last_error or tr(language, "unknown error")),
        id=feed.id,
    )


def _minutes(seconds: int, language: str) -> str:
    return tr(language, "{minutes} min", minutes=seconds // 60)


def stats_text(stats: BotStats, *, language: str) -> str:
    """Answer to /stats: a table of the last days' articles by source, then the other counts."""
    lines = [
        tr(language, "<b>Articles of the last {days} days</b> (by arrival)", days=len(stats.days))
    ]
    if stats.sources:
        lines.append(f"<pre>{escape(_sources_table(stats, language))}</pre>")
    else:
        lines.append(tr(language, "None arrived."))
    lines += [
        tr(language, "Summaries pending: {count}", count=stats.summaries_pending),
        tr(
            language,
            "Chats: {chats} ({active} active) · subscriptions: {subscriptions}",
            chats=stats.chats,
            active=stats.active_chats,
            subscriptions=stats.subscriptions,
        ),
        _pushes_line(stats, language),
    ]
    if not stats.failing_feeds:
        lines.append(tr(language, "Feeds failing: none"))
    else:
        lines.append(tr(language, "<b>Feeds failing</b>: {count}", count=len(stats.failing_feeds)))
        unknown = tr(language, "unknown error")
        lines += [
            f"{feed.id}. {escape(feed.title)} — {feed.failures}× "
            f"({escape(feed.last_error or unknown)})"
            for feed in stats.failing_feeds
        ]
    return "\n".join(lines)


def _pushes_line(stats: BotStats, language: str) -> str:
    values = {"sent": stats.deliveries_sent, "failed": stats.deliveries_failed}
    if stats.deliveries_sending:
        return tr(
            language,
            "Pushes this week: {sent} sent, {failed} failed, {sending} being sent",
            sending=stats.deliveries_sending,
            **values,
        )
    return tr(language, "Pushes this week: {sent} sent, {failed} failed", **values)


def _sources_table(stats: BotStats, language: str) -> str:
    """Plain text columns: source, one per day (day of the month), and the total."""
    names = [
        tr(language, source.name) if source.name in GROUP_NAMES else source.name
        for source in stats.sources
    ]
    width = min(max(len(name) for name in names), SOURCE_WIDTH)
    total = tr(language, "all")
    header = [f"{'':{width}}", *(f"{day.day:>3}" for day in stats.days), f"{total:>5}"]
    rows = [" ".join(header)]
    for source, full_name in zip(stats.sources, names, strict=True):
        name = full_name if len(full_name) <= width else full_name[: width - 1] + "…"
        cells = [f"{name:{width}}", *(f"{count:>3}" for count in source.per_day)]
        rows.append(" ".join([*cells, f"{source.total:>5}"]))
    return "\n".join(rows)


def version_text(version: str) -> str:
    """Answer to /version."""
    return f"digestbot {escape(version)}"


def error_report(*, kind: str, where: str, detail: str, context: str) -> str:
    """What the `error_chat` is told of an unexpected error (once per cause): its kind and
    message, where it came from and what was being done (all redacted by the caller)."""
    detail = f": {escape(detail)}" if detail else ""
    return (
        f"<b>digestbot: unexpected error</b>\n<b>{escape(kind)}</b>{detail}\n"
        f"at <code>{escape(where)}</code>, while: {escape(context)}\n"
        "<i>Told once per cause until the bot restarts; the log has the traceback.</i>"
    )


# --- stored articles: /recent, /search, /article, /delete ------------------------------------

ARTICLE_MAX_MESSAGES = 4  # a longer article is sent as a text file


def article_list(articles: list[StoredArticle], *, heading: str, language: str) -> str:
    """Stored articles, one line each with the number /article and /delete take, under
    `heading` (HTML)."""
    lines = [tr(language, "{heading} (/article <i>number</i> for the whole text)", heading=heading)]
    for article in articles:
        byline = escape(_byline(article, language))
        lines.append(f"{article.id}. <b>{escape(article.title)}</b> — {byline}")
    return "\n".join(lines)


def recent_articles(articles: list[StoredArticle], *, language: str) -> str:
    """Answer to /recent."""
    if not articles:
        return tr(
            language,
            "No articles stored yet. Send me one: paste text, forward a post or send a link.",
        )
    heading = trn(
        language,
        "<b>The latest article</b>",
        "<b>The {count} latest articles</b>",
        len(articles),
    )
    return article_list(articles, heading=heading, language=language)


def search_results(words: str, total: int, articles: list[StoredArticle], *, language: str) -> str:
    """Answer to /search WORDS."""
    if not articles:
        return tr(language, "No stored article holds all of <b>{words}</b>.", words=escape(words))
    if total > len(articles):
        heading = tr(
            language,
            "<b>Articles with {words}: the latest {shown} of {total}</b>",
            words=escape(words),
            shown=len(articles),
            total=total,
        )
    else:
        heading = tr(
            language, "<b>Articles with {words}: {total}</b>", words=escape(words), total=total
        )
    return article_list(articles, heading=heading, language=language)


def search_usage(max_words: int, *, language: str) -> str:
    """Answer to /search without words to look for."""
    return tr(
        language,
        "Send /search with one to {most} words, e.g. /search port strike: I list the "
        "stored articles holding all of them, newest first.",
        most=max_words,
    )


def article_in_full(
    article: StoredArticle,
    sources: list[ArticleSource],
    *,
    language: str,
    limit: int = TELEGRAM_MAX_CHARS,
) -> list[str] | None:
    """Answer to /article N: its title, sources and whole text in as many messages as
    needed; None when that would be more than ARTICLE_MAX_MESSAGES (send it as a file)."""
    head = f"<b>{escape(article.title)}</b>\n<i>{escape(_byline(article, language))}</i>"
    blocks = [head, _sources_block(sources, language)]
    blocks += [escape(paragraph) for paragraph in article.text.split("\n\n")]
    messages = split_for_telegram(blocks, limit)
    return messages if len(messages) <= ARTICLE_MAX_MESSAGES else None


def article_as_file(article: StoredArticle, sources: list[ArticleSource], *, language: str) -> str:
    """An article too long for a few messages, as the plain text of a file."""
    lines = [article.title, _byline(article, language), ""]
    lines += [
        tr(
            language,
            "Source: {source} ({date})",
            source=source.source,
            date=shown_date(source.added_at, language=language),
        )
        for source in sources
    ]
    return "\n".join([*lines, "", article.text, ""])


def article_file_caption(article: StoredArticle, *, language: str) -> str:
    """The caption of an article sent as a file."""
    return tr(
        language,
        "<b>{title}</b> — the whole text, too long for messages.",
        title=escape(article.title),
    )


def _sources_block(sources: list[ArticleSource], language: str) -> str:
    lines = [
        f"• {escape(source.source)}, {shown_date(source.added_at, language=language)}"
        for source in sources
    ]
    return tr(language, "Sources:") + "\n" + "\n".join(lines)


def article_missing(article_id: int | None, *, language: str) -> str:
    """Answer to /article or /delete with no such article."""
    if article_id is None:
        return tr(
            language,
            "Send it with an article's number from /recent or /search, e.g. /article 12.",
        )
    return tr(language, "There is no article {id}; see /recent or /search.", id=article_id)


def article_deleted(article_id: int, *, language: str) -> str:
    """Answer to /delete N when it was deleted."""
    return tr(language, "Deleted article {id} with its summary.", id=article_id)


def article_not_yours(article_id: int, *, language: str) -> str:
    """Answer to /delete N by someone who did not add it (alone) and is no admin."""
    return tr(
        language,
        "Article {id} was not added by you alone; only the bot's administrators can delete it.",
        id=article_id,
    )


# --- feed lists: /import, /export --------------------------------------------------------------


def feed_list_imported(
    *, followed: int, already: int, refused: list[str], left_out: int, most: int, language: str
) -> str:
    """Answer to /import with an OPML file: feeds now `followed`, `already` followed, the
    addresses `refused`, and how many were `left_out` past the `most` one file may add."""
    lines = [
        tr(
            language,
            "Imported the feed list: following {followed} new feeds, {already} were followed "
            "already. New feeds are read at the next poll; see /feeds.",
            followed=followed,
            already=already,
        )
    ]
    if refused:
        shown = ", ".join(escape(url) for url in refused[:5])
        if len(refused) > 5:
            shown = tr(language, "{shown} and {count} more", shown=shown, count=len(refused) - 5)
        lines.append(tr(language, "Not links to follow (left out): {shown}.", shown=shown))
    if left_out:
        lines.append(
            tr(
                language,
                "{count} feeds past the first {most} were left out; send them in another file.",
                count=left_out,
                most=most,
            )
        )
    return "\n".join(lines)


def feed_list_usage(*, language: str) -> str:
    """Answer to /import without a file."""
    return tr(
        language,
        "Send an OPML feed list (an .opml file exported from a feed reader) with /import as "
        "its caption, or answer the file's message with /import.",
    )


def feed_list_exported(count: int, *, language: str) -> str:
    """The caption of the /export file."""
    return tr(
        language,
        "The {count} followed feeds as an OPML file, for any feed reader or /import.",
        count=count,
    )


def no_feeds_to_export(*, language: str) -> str:
    """Answer to /export with no feed followed."""
    return tr(
        language,
        "No feeds are followed, so there is nothing to export. Import a list with /import.",
    )
