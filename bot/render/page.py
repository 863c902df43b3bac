"""A whole digest as one file: a standalone HTML page (for reading offline, in any browser,
when the digest is longer than one Telegram message) and the same digest as JSON (for
scripts; `digestbot digest --json` prints it too).

The page needs nothing from the network: no script, no font, no image, its style inline. Every
user text is escaped; a source that is an http(s) link becomes a link, as in the chat.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, tzinfo

from bot.core.domain import Digest, DigestItem
from bot.render.dates import shown_date, shown_period
from bot.render.formatting import source_html
from bot.render.i18n import tr, trn

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.5;color:#222}h1{font-size:1.5rem}h2{font-size:1.15rem;margin:1.6rem 0 0}"
    ".meta{color:#666;font-style:italic;margin:.2rem 0}.overview{font-size:1.05rem}"
    "blockquote{margin:.4rem 0;padding-left:.8rem;border-left:3px solid #ccc}"
)
_UNSAFE_NAME = re.compile(r"\W+")  # runs of anything but letters, digits and _


def render_page(digest: Digest, *, language: str, tz: tzinfo = UTC) -> str:
    """The digest as a standalone HTML page: header, overview, then every article with its
    source, date and whole summary; dates in `tz`, the bot's own words in `language`."""
    title = tr(language, "Digest: {topic}", topic=html.escape(digest.topic))
    period = shown_period(
        digest.since.astimezone(tz).date(), digest.until.astimezone(tz).date(), language=language
    )
    articles = trn(language, "{count} article", "{count} articles", len(digest.items))
    parts = [
        f'<!doctype html>\n<html lang="{html.escape(language)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{title}</h1>",
        f'<p class="meta">{period} · {articles}</p>',
    ]
    if digest.overview:
        parts.append(f'<p class="overview">{html.escape(digest.overview)}</p>')
    parts.extend(_article(item, tz, language) for item in digest.items)
    parts.append("</body></html>\n")
    return "\n".join(parts)


def digest_json(digest: Digest, *, total: int | None = None) -> dict:
    """The digest as JSON-ready values; `total` is the whole digest's article count when
    `digest` holds one page of it."""
    return {
        "topic": digest.topic,
        "total": len(digest.items) if total is None else total,
        "since": digest.since.isoformat(),
        "until": digest.until.isoformat(),
        "overview": digest.overview,
        "articles": [
            {
                "id": item.article.id,
                "title": item.article.title,
                "source": item.article.source,
                "sources": [item.article.source, *item.article.also_from],
                "language": item.article.language,
                "author": item.article.author,
                "published": item.article.published and item.article.published.isoformat(),
                "received_at": item.article.received_at.isoformat(),
                "relevance": round(item.relevance, 4),
                "summary": item.summary,
            }
            for item in digest.items
        ],
    }


def file_stem(digest: Digest, *, tz: tzinfo = UTC) -> str:
    """A file name (without extension) for the digest: `digest-<topic>-<last day>`, the topic
    reduced to letters, digits, - and _."""
    topic = _UNSAFE_NAME.sub("-", digest.topic).strip("-") or "topic"
    return f"digest-{topic}-{digest.until.astimezone(tz).date().isoformat()}"


def _article(item: DigestItem, tz: tzinfo, language: str) -> str:
    article = item.article
    dated = shown_date(article.dated.astimezone(tz), language=language)
    if item.summary is None:
        summary = "<p><i>" + tr(language, "Summary in progress…") + "</i></p>"
    else:
        summary = f"<blockquote>{html.escape(item.summary)}</blockquote>"
    return (
        f"<article><h2>{html.escape(article.title)}</h2>\n"
        f'<p class="meta">{source_html(article.source)} · {dated}</p>\n{summary}</article>'
    )
