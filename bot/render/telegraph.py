"""A whole digest as a Telegraph page (telegra.ph): its title and its content as Telegraph
Node JSON, the format the createPage method takes.

A node is a text string or ``{"tag": ..., "attrs": {...}, "children": [...]}``; Telegraph shows
text strings as text, so user text needs no HTML escaping, and only the tags Telegraph allows
are made here (p, h3, a, em, blockquote). A link is made only of an http(s) source.

Telegraph refuses content over 64 KB (its JSON, in UTF-8). The articles go in their digest
order while they fit; when the rest does not, a closing note says how many are left out (the
digest's Telegram messages hold them all).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, tzinfo

from bot.core.domain import Digest, DigestItem
from bot.render.dates import shown_date, shown_period
from bot.render.formatting import http_url, link_name
from bot.render.i18n import tr, trn

CONTENT_LIMIT_BYTES = 64 * 1024
TITLE_LIMIT_CHARS = 256  # Telegraph's limit on a page title
_NOTE_ROOM_BYTES = 512  # kept free for the closing note when articles are left out

Node = str | dict


@dataclass(frozen=True)
class TelegraphPage:
    """What createPage takes: a title and the content nodes."""

    title: str
    content: list[Node]


def telegraph_page(
    digest: Digest, *, language: str, tz: tzinfo = UTC, limit_bytes: int = CONTENT_LIMIT_BYTES
) -> TelegraphPage:
    """The digest as a Telegraph page: its period and article count, the overview, then each
    article (a heading linked to its source, the source and date, the whole summary) while the
    content stays within `limit_bytes`; dates in `tz`, the bot's own words in `language`."""
    title = tr(language, "Digest: {topic}", topic=digest.topic)[:TITLE_LIMIT_CHARS]
    period = shown_period(
        digest.since.astimezone(tz).date(), digest.until.astimezone(tz).date(), language=language
    )
    count = len(digest.items)
    articles = trn(language, "{count} article", "{count} articles", count)
    content: list[Node] = [_tag("p", _tag("em", f"{period} · {articles}"))]
    if digest.overview:
        content.append(_tag("p", digest.overview))
    used = content_bytes(content)
    for shown, item in enumerate(digest.items):
        nodes = _article(item, tz, language)
        size = content_bytes(nodes) - 2 + 1  # without its list's brackets, with a comma
        if used + size > limit_bytes - (_NOTE_ROOM_BYTES if shown + 1 < count else 0):
            note = tr(
                language,
                "{left} of {count} articles did not fit on this page; the digest in Telegram "
                "has them all.",
                left=count - shown,
                count=count,
            )
            content.append(_tag("p", _tag("em", note)))
            break
        content.extend(nodes)
        used += size
    return TelegraphPage(title, content)


def content_bytes(content: list[Node]) -> int:
    """The size Telegraph counts: the content's JSON in UTF-8."""
    return len(json.dumps(content, ensure_ascii=False).encode())


def _article(item: DigestItem, tz: tzinfo, language: str) -> list[Node]:
    article = item.article
    url = http_url(article.source)
    heading: Node = _tag("a", article.title, href=url) if url else article.title
    source: Node = _tag("a", link_name(url), href=url) if url else article.source
    dated = shown_date(article.dated.astimezone(tz), language=language)
    if item.summary is None:
        summary = _tag("p", _tag("em", tr(language, "Summary in progress…")))
    else:
        summary = _tag("blockquote", item.summary)
    return [_tag("h3", heading), _tag("p", _tag("em", source, f" · {dated}")), summary]


def _tag(tag: str, *children: Node, **attrs: str) -> dict:
    node: dict = {"tag": tag, "children": list(children)}
    if attrs:
        node["attrs"] = attrs
    return node
