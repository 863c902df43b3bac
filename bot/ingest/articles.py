"""Text to article drafts: the cleaning pipeline every pasted text and file goes through.

Order matters: the issue is split on its raw Markdown (bold titles and bylines are the signal),
then each part is turned into plain paragraphs, stripped of page furniture, given its date,
title and author from its first lines, cut of notes and footnote markers, repaired and deduped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.domain import ArticleDraft
from bot.core.texts import user_text
from bot.ingest.errors import EmptyTextError, NotAnArticleError, TextTooLongError
from bot.ingest.footnotes import remove_markers, remove_notes
from bot.ingest.junk import remove_author_bio, remove_furniture
from bot.ingest.markdown import markdown_to_text
from bot.ingest.metadata import find_date, take_byline, take_leading_date, take_title
from bot.ingest.paragraphs import (
    drop_empty_labels,
    drop_repeats,
    join_broken_lines,
    join_text,
    split_lines,
)
from bot.ingest.split import split_issue

MIN_ARTICLE_WORDS = 20


@dataclass(frozen=True)
class KnownMetadata:
    """What the container already told us (an HTML page's title, author, date)."""

    title: str | None = None
    author: str | None = None
    published: datetime | None = None


def parse_text(text: str, *, source: str, max_chars: int = 200_000) -> list[ArticleDraft]:
    """Clean pasted text into one draft per article it holds, all with the given `source`.

    Raises IngestError (a subclass naming the reason) when the text is empty, longer than
    `max_chars`, or too short to be an article once cleaned.
    """
    return build_drafts(text, source=source, max_chars=max_chars, known=KnownMetadata())


def build_drafts(
    text: str, *, source: str, max_chars: int, known: KnownMetadata
) -> list[ArticleDraft]:
    """Like `parse_text`, with metadata from the text's container used where the text has none.

    In a multi-article issue a part too short to be an article (an editor's note, a stray
    heading) is skipped; the issue is refused only when no part is left.
    """
    if not text.strip():
        raise EmptyTextError(
            user_text(
                "The message has no text to store. Paste the article's text or send it as a file."
            )
        )
    if len(text) > max_chars:
        raise TextTooLongError(
            user_text(
                "The text is {size:,} characters long and the limit is {limit:,}. "
                "Send a shorter text, or split it and send the parts one by one.",
                size=len(text),
                limit=max_chars,
            ),
            limit=max_chars,
            size=len(text),
        )
    issue = split_issue(text)
    issue_date = find_date(issue.preamble) or known.published
    if len(issue.sections) == 1:
        section = issue.sections[0]
        metadata = KnownMetadata(
            title=section.title or known.title,
            author=section.author or known.author,
            published=issue_date,
        )
        return [_draft(section.body, source, metadata)]
    drafts = []
    for section in issue.sections:
        metadata = KnownMetadata(section.title, section.author, issue_date)
        try:
            drafts.append(_draft(section.body, source, metadata))
        except NotAnArticleError:
            continue
    if not drafts:
        raise _too_short()
    return drafts


def _draft(body: str, source: str, known: KnownMetadata) -> ArticleDraft:
    lines, footer_title = remove_furniture(split_lines(markdown_to_text(body)))
    published, lines = take_leading_date(lines)
    if not lines:
        raise _too_short()
    title, lines = take_title(lines, known.title or footer_title)
    author, lines = take_byline(lines, known.author)
    lines = remove_author_bio(remove_notes(lines), author)
    lines = [remove_markers(line) for line in lines]
    lines = drop_empty_labels(drop_repeats(join_broken_lines(lines)))
    text = join_text(lines)
    if len(text.split()) < MIN_ARTICLE_WORDS:
        raise _too_short()
    return ArticleDraft(
        title=title,
        text=text,
        source=source,
        author=author,
        published=published or known.published,
    )


def _too_short() -> NotAnArticleError:
    return NotAnArticleError(
        user_text(
            "The text is too short to be an article: fewer than {words} words are left once "
            "links, buttons and boilerplate are removed. Send the full article text.",
            words=MIN_ARTICLE_WORDS,
        )
    )
