"""Texts the bot sends in answer to commands (Telegram HTML, user text always escaped)."""

from __future__ import annotations

from html import escape
from zoneinfo import ZoneInfo

from bot.core.domain import ArticleSource, Feed, PushOptions, StoredArticle, Subscription
from bot.core.requests import DigestRequest, EmptyDigestAdvice
from bot.core.schedule import format_schedule, parse_schedule
from bot.core.stats import BotStats
from bot.render.dates import shown_date, shown_time
from bot.render.formatting import TELEGRAM_MAX_CHARS, split_for_telegram
from summarizer.topics.query import TOPIC_SYNTAX

MAX_SUMMARY_REPLY_CHARS = 3500
SOURCE_WIDTH = 18  # characters of a source's name in the /stats table

COMMANDS: list[tuple[str, str]] = [
    ("add", "Store the article at a link: /add https://…"),
    ("digest", "Articles about a topic from the last days: /digest russia"),
    ("subscribe", "Get a topic's digest pushed on a schedule: /subscribe russia"),
    ("unsubscribe", "Stop a topic's pushes: /unsubscribe russia"),
    ("subscriptions", "List this chat's topics, their next digest and options"),
    ("pause", "Pause a topic's pushes, or all: /pause russia"),
    ("resume", "Resume paused pushes: /resume russia"),
    ("set", "A subscription's push options: /set russia silent=on max=5"),
    ("settings", "Show or set the options new subscriptions take"),
    ("topics", "The subjects of this period's articles, with counts"),
    ("recent", "The latest stored articles, with their numbers"),
    ("search", "Search all stored articles: /search port strike"),
    ("article", "An article's whole text and sources: /article 12"),
    ("delete", "Delete an article you added: /delete 12"),
    ("feeds", "The followed RSS/Atom/JSON feeds (admins)"),
    ("addfeed", "Follow an RSS/Atom/JSON feed: /addfeed https://… (admins)"),
    ("removefeed", "Stop following feed N: /removefeed 2 (admins)"),
    ("import", "Follow the feeds of an attached OPML file (admins)"),
    ("export", "The followed feeds as an OPML file (admins)"),
    ("timezone", "Show or set this chat's time zone: /timezone Europe/Berlin"),
    ("stats", "Articles, summaries, pushes and feeds at a glance (admins)"),
    ("version", "The bot's version"),
    ("help", "How to use digestbot"),
    ("start", "Welcome and a short guide"),
]


def help_text(*, days: int, schedule: str, timezone: str) -> str:
    """The /help and /start text."""
    return (
        "<b>digestbot</b> stores the news articles you send, summarizes each one with a local "
        "model, and sends you digests by topic.\n\n"
        "<b>Add articles</b>: paste or forward an article's text here, or upload a "
        ".txt, .md or .html file, or send a link (or /add <i>link</i>) and I fetch the page. "
        "I answer with its title, then its summary when ready.\n\n"
        f"<b>/digest</b> <i>topic</i> — articles about the topic from the last {days} days, "
        "e.g. /digest russia or /digest north korea; over other days: /digest russia 30d.\n"
        "<b>/subscribe</b> <i>topic</i> — get that digest pushed "
        f"{_schedule(schedule)} ({escape(timezone)}), holding the "
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
        f"<b>/topics</b> — the subjects the articles of the last {days} days name most.\n"
        "<b>/recent</b>, <b>/search</b> <i>words</i> — the latest stored articles, or those "
        "holding all the words; <b>/article</b> <i>number</i> — one in full with its sources; "
        "<b>/delete</b> <i>number</i> — delete one you added.\n"
        "<b>/addfeed</b> <i>link</i>, <b>/feeds</b>, <b>/removefeed</b> <i>number</i> — "
        "follow RSS, Atom and JSON feeds; <b>/import</b> (as the caption of an OPML file), "
        "<b>/export</b> — feed lists in and out (administrators).\n"
        "<b>/timezone</b> <i>name</i> — the chat's time zone for schedules, "
        "e.g. /timezone Europe/Berlin.\n"
        "<b>/stats</b> — articles by source and day, pushes and failing feeds (administrators); "
        "<b>/version</b> — the bot's version.\n"
        "In groups only admins change subscriptions. To fill a channel, add me as its admin "
        "and post /subscribe russia in the channel.\n\n"
        "A topic is free text: an article counts when it is really about it, also when it "
        'says "Kremlin" or "Moscow" rather than "Russia".\n'
        f"{escape(TOPIC_SYNTAX)} Add a page number for more: /digest russia 2 "
        "(/digest russia 30d 2 over 30 days)."
    )


def empty_digest(topic: str, days: int, advice: EmptyDigestAdvice) -> str:
    """Answer to a /digest with no articles: what was asked; how to see older articles that
    match when some do, else the topic syntax; and the topics with articles in the same days."""
    lines = [f"No articles about <b>{escape(topic)}</b> in the last {days} days"]
    if advice.older_days:
        count = advice.older_count
        command = DigestRequest(topic, advice.older_days).command()
        lines[0] += (
            f"; {count} from the last {advice.older_days} days "
            f"match{'es' if count == 1 else ''}: {escape(command)}."
        )
    else:
        lines[0] += "."
    if advice.suggestions:
        names = ", ".join(escape(name) for name in advice.suggestions)
        lines.append(f"Topics with articles in those days: {names}.")
    if not advice.older_days:
        lines.append(escape(TOPIC_SYNTAX))
    return "\n".join(lines)


def topics_overview(counts: list[tuple[str, int]], *, days: int) -> str:
    """Answer to /topics: each subject with how many of the period's articles name it."""
    if not counts:
        return (
            f"No articles from the last {days} days yet. Send me some: paste text, forward "
            "posts or upload .txt, .md or .html files."
        )
    lines = "\n".join(
        f"• <b>{escape(subject)}</b> — {count} article{'s' if count != 1 else ''}"
        for subject, count in counts
    )
    return (
        f"<b>Subjects of the last {days} days</b>\n{lines}\n\n"
        "Ask for one with /digest, e.g. /digest "
        f"{escape(counts[0][0])}, or /subscribe to it."
    )


def article_stored(article: StoredArticle, *, created: bool) -> str:
    """First answer to an article: its stored title and source."""
    state = "Stored" if created else "Already stored"
    if article.also_from:
        state += f" (also from {escape(', '.join(article.also_from))})"
    return f"{state}: <b>{escape(article.title)}</b>\n<i>{escape(_byline(article))}</i>"


def article_summarized(
    article: StoredArticle, *, created: bool, summary: str | None, error: str | None
) -> str:
    """The first answer completed with the summary, or with why there is none."""
    head = article_stored(article, created=created)
    if summary:
        if len(summary) > MAX_SUMMARY_REPLY_CHARS:
            summary = summary[:MAX_SUMMARY_REPLY_CHARS].rsplit(" ", 1)[0] + " …"
        return f"{head}\n\n{escape(summary)}"
    return f"{head}\n\n<i>No summary: {escape(error or 'the summarizer gave none')}.</i>"


def summarizing(article: StoredArticle, *, created: bool) -> str:
    """The first answer while the summary is being made."""
    return f"{article_stored(article, created=created)}\n\n<i>Summarizing…</i>"


def subscription_line(subscription: Subscription) -> str:
    """One subscription with its schedule and next run in the chat's time zone (or paused),
    and its push options."""
    tz = ZoneInfo(subscription.timezone)
    when = (
        f"paused since {shown_time(subscription.paused_at, tz)} (/resume {subscription.topic})"
        if subscription.paused
        else f"next {shown_time(subscription.next_run_at, tz)}"
    )
    return (
        f"• <b>{escape(subscription.topic)}</b> — {_schedule(subscription.schedule)}, "
        f"{escape(when)}\n  <i>{options_text(subscription.options)}</i>"
    )


def options_text(options: PushOptions) -> str:
    """Push options as they are written in /set and /settings."""
    return (
        f"silent={_switch(options.silent)} summary={options.summary.value} "
        f"previews={_switch(options.previews)} max={options.max_articles or 'all'}"
    )


def options_set(subscription: Subscription) -> str:
    """Answer to /set TOPIC OPTIONS."""
    return f"Pushes of <b>{escape(subscription.topic)}</b>: {options_text(subscription.options)}."


def chat_settings(options: PushOptions, *, changed: bool) -> str:
    """Answer to /settings: the defaults new subscriptions take."""
    head = "New defaults" if changed else "Defaults"
    return (
        f"{head} for this chat's new subscriptions: {options_text(options)}.\n"
        "Change them with e.g. /settings silent=on max=5; one subscription's with "
        "/set russia summary=full."
    )


def paused(subscriptions: list[Subscription], topic: str | None) -> str:
    """Answer to /pause (and to the Pause button)."""
    if not subscriptions:
        return not_following(topic)
    names = ", ".join(f"<b>{escape(s.topic)}</b>" for s in subscriptions)
    again = f"/resume {escape(topic)}" if topic else "/resume"
    return f"Paused {names}: no pushes until {again}."


def resumed(subscriptions: list[Subscription], topic: str | None) -> str:
    """Answer to /resume: each topic's next digest, and what it covers."""
    if not subscriptions:
        if topic is None:
            return "Nothing is paused here. See /subscriptions."
        return f"<b>{escape(topic)}</b> is not paused here. See /subscriptions."
    lines = [
        f"Resumed <b>{escape(s.topic)}</b>: next digest "
        f"{shown_time(s.next_run_at, ZoneInfo(s.timezone))}."
        for s in subscriptions
    ]
    example = escape(subscriptions[0].topic)
    lines.append(
        "It holds the articles that arrive from now on; those of the paused days are not "
        f"pushed (/digest {example} shows the latest)."
    )
    return "\n".join(lines)


def pause_toggled(subscription: Subscription) -> str:
    """The answer to a Pause or Resume button (plain text: a button's answer has no markup)."""
    if subscription.paused:
        return f"Paused {subscription.topic}: no pushes until you resume it."
    when = shown_time(subscription.next_run_at, ZoneInfo(subscription.timezone))
    return (
        f"Resumed {subscription.topic}: next digest {when}, holding the articles that arrive "
        "from now on (not those of the paused days)."
    )


def not_following(topic: str | None) -> str:
    """The chat follows no such topic (None: none at all)."""
    if topic is None:
        return "No subscriptions yet. Start one with /subscribe russia"
    return f"This chat is not subscribed to <b>{escape(topic)}</b>. See /subscriptions."


def _switch(on: bool) -> str:
    return "on" if on else "off"


def subscribed(
    subscription: Subscription, *, created: bool, days: int, rescheduled: bool = False
) -> str:
    """Answer to /subscribe."""
    state = (
        "Subscribed to"
        if created
        else "New schedule for"
        if rescheduled
        else "Already subscribed to"
    )
    when = (
        f"paused (/resume {escape(subscription.topic)} to go on)"
        if subscription.paused
        else f"next digest {shown_time(subscription.next_run_at, ZoneInfo(subscription.timezone))}"
    )
    return (
        f"{state} <b>{escape(subscription.topic)}</b>: "
        f"{_schedule(subscription.schedule)} "
        f"({escape(subscription.timezone)}), {when}. "
        "Each holds the articles that arrived since the previous one.\n"
        f"Send /digest {escape(subscription.topic)} for the last {days} days now.\n"
        f"Pushes: {options_text(subscription.options)} (/set to change)."
    )


def more_articles(count: int, topic: str) -> str:
    """The last line of a push cut to its subscription's `max=N` articles (plain text)."""
    return f"and {count} more: {DigestRequest(topic).command()}"


def unsubscribed(topic: str, *, removed: bool) -> str:
    """Answer to /unsubscribe."""
    if removed:
        return f"Unsubscribed from <b>{escape(topic)}</b>."
    return f"This chat is not subscribed to <b>{escape(topic)}</b>. See /subscriptions."


def timezone_shown(timezone: str) -> str:
    """Answer to /timezone without a name."""
    return (
        f"This chat's time zone is <b>{escape(timezone)}</b>. "
        f"Change it with /timezone followed by an IANA name, e.g. /timezone Europe/Berlin."
    )


def timezone_set(timezone: str, *, rescheduled: bool) -> str:
    """Answer to /timezone NAME."""
    text = f"Time zone set to <b>{escape(timezone)}</b>."
    if rescheduled:
        text += " Schedules now follow it; see /subscriptions for the next digests."
    return text


def _byline(article: StoredArticle) -> str:
    parts = [article.source]
    if article.author:
        parts.append(article.author)
    if article.published:
        parts.append(shown_date(article.published))
    return " · ".join(parts)


def _schedule(spec: str) -> str:
    return escape(format_schedule(parse_schedule(spec)))


def feed_followed(feed: Feed, *, created: bool) -> str:
    """Answer to /addfeed."""
    state = "Following" if created else "Already following"
    return (
        f"{state} feed {feed.id}: <b>{escape(feed.title)}</b>\n{escape(feed.url)}\n"
        f"Polled every {_minutes(feed.interval_s)}; new entries are stored as articles "
        "(the full page is fetched when the feed only has a teaser)."
    )


def feed_list(feeds: list[Feed]) -> str:
    """Answer to /feeds."""
    if not feeds:
        return "No feeds yet. Follow one with /addfeed <i>link</i>."
    lines = ["<b>Feeds</b> (/removefeed <i>number</i> to stop one)"]
    for feed in feeds:
        state = f"every {_minutes(feed.interval_s)}"
        if feed.failures:
            state += f"; failed {feed.failures}× ({escape(feed.last_error or 'unknown')})"
        lines.append(f"{feed.id}. <b>{escape(feed.title)}</b> — {escape(feed.url)} — {state}")
    return "\n".join(lines)


def feed_removed(feed: Feed) -> str:
    """Answer to /removefeed."""
    return f"Stopped following <b>{escape(feed.title)}</b>. Its stored articles stay."


def feed_failing(feed: Feed) -> str:
    """Told once to the admin who added a feed that keeps failing."""
    return (
        f"The feed <b>{escape(feed.title)}</b> ({escape(feed.url)}) has failed "
        f"{feed.failures} times in a row: {escape(feed.last_error or 'unknown error')}\n"
        "I keep trying less and less often. Fix the feed, or stop it with "
        f"/removefeed {feed.id}."
    )


def _minutes(seconds: int) -> str:
    return f"{seconds // 60} min"


def stats_text(stats: BotStats) -> str:
    """Answer to /stats: a table of the last days' articles by source, then the other counts."""
    lines = [f"<b>Articles of the last {len(stats.days)} days</b> (by arrival)"]
    if stats.sources:
        lines.append(f"<pre>{escape(_sources_table(stats))}</pre>")
    else:
        lines.append("None arrived.")
    sending = f", {stats.deliveries_sending} being sent" if stats.deliveries_sending else ""
    lines += [
        f"Summaries pending: {stats.summaries_pending}",
        f"Chats: {stats.chats} ({stats.active_chats} active) · "
        f"subscriptions: {stats.subscriptions}",
        f"Pushes this week: {stats.deliveries_sent} sent, {stats.deliveries_failed} failed"
        f"{sending}",
    ]
    if not stats.failing_feeds:
        lines.append("Feeds failing: none")
    else:
        lines.append(f"<b>Feeds failing</b>: {len(stats.failing_feeds)}")
        lines += [
            f"{feed.id}. {escape(feed.title)} — {feed.failures}× "
            f"({escape(feed.last_error or 'unknown error')})"
            for feed in stats.failing_feeds
        ]
    return "\n".join(lines)


def _sources_table(stats: BotStats) -> str:
    """Plain text columns: source, one per day (day of the month), and the total."""
    width = min(max(len(source.name) for source in stats.sources), SOURCE_WIDTH)
    header = [f"{'':{width}}", *(f"{day.day:>3}" for day in stats.days), "  all"]
    rows = [" ".join(header)]
    for source in stats.sources:
        name = source.name if len(source.name) <= width else source.name[: width - 1] + "…"
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


def article_list(articles: list[StoredArticle], *, heading: str) -> str:
    """Stored articles, one line each with the number /article and /delete take."""
    lines = [f"<b>{escape(heading)}</b> (/article <i>number</i> for the whole text)"]
    for article in articles:
        lines.append(f"{article.id}. <b>{escape(article.title)}</b> — {escape(_byline(article))}")
    return "\n".join(lines)


def recent_articles(articles: list[StoredArticle]) -> str:
    """Answer to /recent."""
    if not articles:
        return "No articles stored yet. Send me one: paste text, forward a post or send a link."
    return article_list(articles, heading=f"The {len(articles)} latest articles")


def search_results(words: str, total: int, articles: list[StoredArticle]) -> str:
    """Answer to /search WORDS."""
    if not articles:
        return f"No stored article holds all of <b>{escape(words)}</b>."
    shown = f"the latest {len(articles)} of {total}" if total > len(articles) else str(total)
    return article_list(articles, heading=f"Articles with {words}: {shown}")


def search_usage(max_words: int) -> str:
    """Answer to /search without words to look for."""
    return (
        f"Send /search with one to {max_words} words, e.g. /search port strike: I list the "
        "stored articles holding all of them, newest first."
    )


def article_in_full(
    article: StoredArticle, sources: list[ArticleSource], *, limit: int = TELEGRAM_MAX_CHARS
) -> list[str] | None:
    """Answer to /article N: its title, sources and whole text in as many messages as
    needed; None when that would be more than ARTICLE_MAX_MESSAGES (send it as a file)."""
    head = f"<b>{escape(article.title)}</b>\n<i>{escape(_byline(article))}</i>"
    blocks = [head, _sources_block(sources)]
    blocks += [escape(paragraph) for paragraph in article.text.split("\n\n")]
    messages = split_for_telegram(blocks, limit)
    return messages if len(messages) <= ARTICLE_MAX_MESSAGES else None


def article_as_file(article: StoredArticle, sources: list[ArticleSource]) -> str:
    """An article too long for a few messages, as the plain text of a file."""
    lines = [article.title, _byline(article), ""]
    lines += [f"Source: {source.source} ({shown_date(source.added_at)})" for source in sources]
    return "\n".join([*lines, "", article.text, ""])


def article_file_caption(article: StoredArticle) -> str:
    """The caption of an article sent as a file."""
    return f"<b>{escape(article.title)}</b> — the whole text, too long for messages."


def _sources_block(sources: list[ArticleSource]) -> str:
    lines = [f"• {escape(source.source)}, {shown_date(source.added_at)}" for source in sources]
    return "Sources:\n" + "\n".join(lines)


def article_missing(article_id: int | None) -> str:
    """Answer to /article or /delete with no such article."""
    if article_id is None:
        return "Send it with an article's number from /recent or /search, e.g. /article 12."
    return f"There is no article {article_id}; see /recent or /search."


def article_deleted(article_id: int) -> str:
    """Answer to /delete N when it was deleted."""
    return f"Deleted article {article_id} with its summary."


def article_not_yours(article_id: int) -> str:
    """Answer to /delete N by someone who did not add it (alone) and is no admin."""
    return (
        f"Article {article_id} was not added by you alone; only the bot's administrators "
        "can delete it."
    )


# --- feed lists: /import, /export --------------------------------------------------------------


def feed_list_imported(
    *, followed: int, already: int, refused: list[str], left_out: int, most: int
) -> str:
    """Answer to /import with an OPML file: feeds now `followed`, `already` followed, the
    addresses `refused`, and how many were `left_out` past the `most` one file may add."""
    lines = [
        f"Imported the feed list: following {followed} new feeds, {already} were followed "
        "already. New feeds are read at the next poll; see /feeds."
    ]
    if refused:
        shown = ", ".join(escape(url) for url in refused[:5])
        more = f" and {len(refused) - 5} more" if len(refused) > 5 else ""
        lines.append(f"Not links to follow (left out): {shown}{more}.")
    if left_out:
        lines.append(
            f"{left_out} feeds past the first {most} were left out; send them in another file."
        )
    return "\n".join(lines)


def feed_list_usage() -> str:
    """Answer to /import without a file."""
    return (
        "Send an OPML feed list (an .opml file exported from a feed reader) with /import as "
        "its caption, or answer the file's message with /import."
    )


def feed_list_exported(count: int) -> str:
    """The caption of the /export file."""
    return f"The {count} followed feeds as an OPML file, for any feed reader or /import."


def no_feeds_to_export() -> str:
    """Answer to /export with no feed followed."""
    return "No feeds are followed, so there is nothing to export. Import a list with /import."
