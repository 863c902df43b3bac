"""Digests as Telegram HTML messages, each within Telegram's length limit.

How length is counted: Telegram allows 4096 characters per message *after entity parsing*,
counted in UTF-16 code units. Tags count nothing, an entity such as ``&amp;`` counts as the one
character it stands for, and a character outside the Basic Multilingual Plane (most emoji) counts
two. `telegram_html_length` measures HTML that way; `telegram_length` measures plain text.

How splitting works: a digest is a list of blocks (header, overview, one per article).
`split_for_telegram` packs whole blocks, a blank line apart, into as few messages as fit, in order;
a block that fits in a message is never split. A block longer than a whole message is cut inside
its text: at the last sentence end that fills at least half the room, else at such a space, else
between two characters (it joins the message being filled if a quarter of it is still free). Tags
open at a cut are closed at the end of the piece and reopened at the start of the next, so every
message is valid HTML on its own. A cut between two characters can separate the code points of
one emoji sequence (a flag, a family); only text with few spaces is cut that way. `pack_blocks`
also tells which message each block begins in: a digest message carries the articles whose
block begins in it (their "Full summary" buttons go under it).

All user text (topic, titles, sources, summaries, overview) goes through `html.escape`; messages
must be sent with ``parse_mode=HTML``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Literal
from urllib.parse import urlsplit

from bot.core.domain import Digest, DigestItem, DigestPage, RenderedMessage
from bot.render.dates import shown_date, shown_period
from bot.render.i18n import tr, trn

TELEGRAM_MAX_CHARS = 4096
ALERT_MAX_CHARS = 200  # the text of a callback query's answer (an alert)

_BLOCK_SEPARATOR = "\n\n"
_TOKEN = re.compile(r"<[^>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);|[\s\S]")
_TAG_NAME = re.compile(r"</?([A-Za-z][\w-]*)")
# Where a too-long block may be cut: after . ! ? or … (a closing quote or bracket may follow)
# before whitespace, or at a line break. Not `summarizer.text.split_sentences`, the project's
# sentence splitter: a cut needs positions in the block's own text (that splitter returns
# sentences with their whitespace normalized), and any such end, or a line break, is a better
# place to cut than inside a sentence, even where the next word is not capitalized.
_SENTENCE_BREAK = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"'”’»)\]]))\s+|\n")
_WORD_BREAK = re.compile(r"\s+")


def telegram_length(text: str) -> int:
    """The length Telegram counts for plain `text`: UTF-16 code units."""
    return len(text.encode("utf-16-le", errors="surrogatepass")) // 2


def telegram_html_length(text: str) -> int:
    """The length Telegram counts for HTML `text` after entity parsing, in UTF-16 code units."""
    return sum(atom.units for atom in _atoms(text))


def render_digest(
    digest: Digest,
    *,
    language: str,
    overview: str | None = None,
    tz: tzinfo = UTC,
    page: DigestPage | None = None,
    next_page_command: str | None = None,
    footer: str | None = None,
) -> list[RenderedMessage]:
    """The digest as Telegram HTML messages, each within `TELEGRAM_MAX_CHARS` and carrying the
    articles whose block begins in it.

    The header (topic, period, article count) opens the first message; `overview` (plain text,
    default: the digest's own) follows it; then one block per article: bold title, source and
    date in italics (a URL source becomes a link named by its host), and the summary in an
    expandable quote (Telegram shows its first three lines; a tap opens the rest in place).
    Dates are shown in `tz`. With `page` (of which `digest` holds the articles), the header
    counts the whole digest's articles and names the page, and a last line tells how to ask for
    the next page: `next_page_command` (plain text; default `/digest TOPIC N`). `footer` (plain
    text) is a last line in italics. The bot's own words are in `language`.
    """
    blocks = [_header(digest, tz, page, language)]
    overview = digest.overview if overview is None else overview
    if overview:
        blocks.append(html.escape(overview))
    first = len(blocks)
    blocks.extend(_article_block(item, tz, language) for item in digest.items)
    if page and page.count > 1:
        blocks.append(_page_footer(page, next_page_command, language))
    if footer:
        blocks.append(f"<i>{html.escape(footer)}</i>")
    texts, starts = pack_blocks(blocks)
    carried: list[list[tuple[int, str]]] = [[] for _ in texts]
    article_starts = starts[first : first + len(digest.items)]
    for item, start in zip(digest.items, article_starts, strict=True):
        if start is not None:
            carried[start].append((item.article.id, item.article.title))
    return [
        RenderedMessage(text, tuple(articles))
        for text, articles in zip(texts, carried, strict=True)
    ]


def split_for_telegram(blocks: list[str], limit: int = TELEGRAM_MAX_CHARS) -> list[str]:
    """Pack HTML `blocks` into messages of at most `limit` units after entity parsing.

    Blocks must be well-formed HTML (every tag closed inside its block); blank ones are dropped.
    Whole blocks are packed in order; only a block longer than `limit` is cut (see the module
    docstring).
    """
    messages, _ = pack_blocks(blocks, limit)
    return messages


def pack_blocks(
    blocks: list[str], limit: int = TELEGRAM_MAX_CHARS
) -> tuple[list[str], list[int | None]]:
    """`split_for_telegram`'s messages, and for each block the index of the message it begins in
    (None for a blank block, which is dropped)."""
    messages: list[str] = []
    starts: list[int | None] = []
    current: list[str] = []
    used = 0
    for block in blocks:
        atoms = _atoms(block)
        if not any(atom.text.strip() for atom in atoms):
            starts.append(None)
            continue  # Telegram refuses a message with nothing to show
        size = sum(atom.units for atom in atoms)
        gap = len(_BLOCK_SEPARATOR) if current else 0
        if used + gap + size <= limit:
            starts.append(len(messages))
            current.append(block)
            used += gap + size
            continue
        if current and (size <= limit or limit - used - gap < limit // 4):
            messages.append(_BLOCK_SEPARATOR.join(current))
            current, used, gap = [], 0, 0
        starts.append(len(messages))
        if size <= limit:
            current, used = [block], size
            continue
        pieces = _cut_block(atoms, first_room=limit - used - gap, limit=limit)
        for index, (piece, units) in enumerate(pieces):
            if index:
                messages.append(_BLOCK_SEPARATOR.join(current))
                current, used, gap = [], 0, 0
            current.append(piece)
            used += gap + units
    if current:
        messages.append(_BLOCK_SEPARATOR.join(current))
    return messages, starts


def render_article(item: DigestItem, *, language: str, tz: tzinfo = UTC) -> str:
    """One article as a single message: title, source and date, and its whole summary (cut to
    Telegram's limit only if it could not fit)."""
    return split_for_telegram([_article_block(item, tz, language, quoted=False)])[0]


def render_article_alert(item: DigestItem, *, language: str) -> str:
    """One article as plain text for an alert (a button's answer only its presser sees): the
    title, a blank line and the summary, shortened to `ALERT_MAX_CHARS`."""
    summary = tr(language, "Summary in progress…") if item.summary is None else item.summary
    return shorten(f"{item.article.title}\n\n{summary}", ALERT_MAX_CHARS)


def shorten(text: str, limit: int) -> str:
    """Plain `text` within `limit` UTF-16 units: whole if it fits, else cut at the last space
    that keeps at least half of it (between two characters if there is none) and ended with
    "…"."""
    if telegram_length(text) <= limit:
        return text
    room = limit - 1  # for the "…"
    end = 0
    for index, char in enumerate(text):
        room -= telegram_length(char)
        if room < 0:
            break
        end = index + 1
    kept = text[:end]
    space = max(kept.rfind(" "), kept.rfind("\n"))
    if space >= end // 2:
        kept = kept[:space]
    return kept.rstrip() + "…"


def without_markup(text: str) -> str:
    """HTML `text` with its tags dropped and its text escaped again: the same words, no
    formatting, still safe to send with ``parse_mode=HTML`` (the fallback when Telegram refuses
    a message's entities)."""
    return html.escape("".join(atom.text for atom in _atoms(text)), quote=False)


def render_nothing_new(topic: str, since: datetime, *, language: str, tz: tzinfo = UTC) -> str:
    """The short line a subscription may push when no new article is about its topic."""
    return tr(
        language,
        "Nothing new on <b>{topic}</b> since {date}.",
        topic=html.escape(topic),
        date=shown_date(since.astimezone(tz), language=language),
    )


@dataclass(frozen=True, slots=True)
class _Atom:
    """The smallest unit a cut respects: a tag, an entity or one character."""

    raw: str
    kind: Literal["open", "close", "text"]
    text: str = ""  # what Telegram shows for it; empty for a tag
    tag: str = ""  # the tag's name, for a tag

    @property
    def units(self) -> int:
        return telegram_length(self.text)


def _atoms(text: str) -> list[_Atom]:
    atoms = []
    for match in _TOKEN.finditer(text):
        raw = match.group()
        if len(raw) > 1 and raw.startswith("<"):
            name_match = _TAG_NAME.match(raw)
            name = name_match.group(1).lower() if name_match else ""
            kind: Literal["open", "close"] = "close" if raw.startswith("</") else "open"
            atoms.append(_Atom(raw, kind, tag=name))
        else:
            atoms.append(_Atom(raw, "text", text=html.unescape(raw)))
    return atoms


def _cut_block(atoms: list[_Atom], first_room: int, limit: int) -> list[tuple[str, int]]:
    """Cut an over-long block into (HTML, units) pieces: the first within `first_room`, the
    rest within `limit`, each with its open tags closed and reopened."""
    last_visible = max(i for i, atom in enumerate(atoms) if atom.text.strip())
    pieces: list[tuple[str, int]] = []
    open_tags: list[_Atom] = []
    start, room = 0, first_room
    while start <= last_visible:
        cut = _choose_cut(atoms, start, room)
        pieces.append(_render_piece(atoms[start:cut], open_tags))
        start, room = cut, limit
    return pieces


def _choose_cut(atoms: list[_Atom], start: int, room: int) -> int:
    """Where the piece starting at `start` ends: the best break among the atoms that fit."""
    end, used = start, 0
    while end < len(atoms) and used + atoms[end].units <= room:
        used += atoms[end].units
        end += 1
    if end == len(atoms):
        return end
    # Plain text of the fitting atoms plus the next one, so a break right at the edge is seen.
    owners = [i for i in range(start, end + 1) for _ in atoms[i].text]
    plain = "".join(atom.text for atom in atoms[start : end + 1])
    fitting = len(plain) - len(atoms[end].text)
    first_visible = len(plain) - len(plain.lstrip())

    def units_before(position: int) -> int:
        return telegram_length(plain[:position])

    for pattern in (_SENTENCE_BREAK, _WORD_BREAK):
        breaks = [
            m.start() for m in pattern.finditer(plain) if first_visible < m.start() <= fitting
        ]
        if breaks and units_before(breaks[-1]) >= room // 2:
            return _before_open_tags(atoms, start, owners[breaks[-1]])
    cut = _before_open_tags(atoms, start, end)
    if any(atom.text.strip() for atom in atoms[start:cut]):
        return cut
    # Not even one character fits: take one anyway so the cutting always moves on.
    return next(i for i in range(start, len(atoms)) if atoms[i].text.strip()) + 1


def _before_open_tags(atoms: list[_Atom], start: int, cut: int) -> int:
    """Move a cut back over opening tags, so no piece ends with an empty element."""
    while cut > start and atoms[cut - 1].kind == "open":
        cut -= 1
    return cut


def _render_piece(atoms: list[_Atom], open_tags: list[_Atom]) -> tuple[str, int]:
    """One piece as HTML and its units; `open_tags` (carried from piece to piece) is updated.

    Whitespace at the start of a piece is dropped: it was the break before it.
    """
    parts = [tag.raw for tag in open_tags]
    units = 0
    started = False
    for atom in atoms:
        if atom.kind == "open":
            open_tags.append(atom)
        elif atom.kind == "close":
            open_tags.pop()
        elif not started and atom.text.isspace():
            continue
        else:
            started = True
            units += atom.units
        parts.append(atom.raw)
    parts.extend(f"</{tag.tag}>" for tag in reversed(open_tags))
    return "".join(parts), units


def _header(digest: Digest, tz: tzinfo, page: DigestPage | None, language: str) -> str:
    count = page.total if page else len(digest.items)
    articles = trn(language, "{count} article", "{count} articles", count)
    if page and page.count > 1:
        articles += " · " + _page_name(page, language)
    period = shown_period(
        digest.since.astimezone(tz).date(), digest.until.astimezone(tz).date(), language=language
    )
    topic = html.escape(digest.topic)
    return tr(language, "<b>Digest: {topic}</b>", topic=topic) + f"\n{period} · {articles}"


def _page_name(page: DigestPage, language: str) -> str:
    return tr(language, "page {number} of {count}", number=page.number, count=page.count)


def _page_footer(page: DigestPage, command: str | None, language: str) -> str:
    where = _page_name(page, language)
    if page.number == page.count:
        return "<i>" + tr(language, "{page}, the last.", page=where) + "</i>"
    command = command or f"/digest {page.digest.topic} {page.number + 1}"
    more = tr(language, "{page} — {command} for more", page=where, command=html.escape(command))
    return f"<i>{more}</i>"


def _article_block(item: DigestItem, tz: tzinfo, language: str, *, quoted: bool = True) -> str:
    """Title, source and date, then the summary: in an expandable quote when `quoted` (a
    digest: Telegram shows its first lines, a tap the rest), else as plain text."""
    article = item.article
    if item.summary is None:
        summary = "<i>" + tr(language, "Summary in progress…") + "</i>"
    elif quoted:
        summary = f"<blockquote expandable>{html.escape(item.summary)}</blockquote>"
    else:
        summary = html.escape(item.summary)
    source = source_html(article.source)
    dated = shown_date(article.dated.astimezone(tz), language=language)
    return f"<b>{html.escape(article.title)}</b>\n<i>{source} · {dated}</i>\n{summary}"


def source_html(source: str) -> str:
    """The source as HTML: an http(s) URL becomes a link named by its host."""
    url = http_url(source)
    if url is None:
        return html.escape(source)
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(link_name(url))}</a>'


def http_url(source: str) -> str | None:
    """The source when it is an http(s) URL with a host and no spaces in it, else None."""
    url = source.strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # e.g. a malformed IPv6 host
        return None
    if parts.scheme not in ("http", "https") or not host or any(c.isspace() for c in url):
        return None
    return url


def link_name(url: str) -> str:
    """What a link to an http(s) `url` is called: its host, without "www."."""
    return (urlsplit(url).hostname or url).removeprefix("www.")
