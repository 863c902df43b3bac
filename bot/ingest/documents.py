"""Uploaded files to article drafts: pick the reader by extension, decode, extract, clean.

Text and Markdown files are decoded and cleaned like pasted text. HTML is read by trafilatura
from the decoded markup, never fetching anything: it finds the main content (as Markdown, so an
issue's bold titles still split it) and the page's title, author and date, which fill in what
the text itself does not say. HTML may be up to `_HTML_MARKUP_ALLOWANCE` times `max_chars`
before extraction, since markup outweighs the words; the extracted text must fit `max_chars`.
"""

from __future__ import annotations

from pathlib import PurePosixPath

import trafilatura

from bot.domain import ArticleDraft
from bot.ingest.articles import KnownMetadata, build_drafts
from bot.ingest.decode import decode_text
from bot.ingest.errors import (
    EmptyTextError,
    NotAnArticleError,
    TextTooLongError,
    UnsupportedFileError,
)
from bot.ingest.metadata import parse_date

TEXT_EXTENSIONS = frozenset({".txt", ".md", ".markdown"})
HTML_EXTENSIONS = frozenset({".html", ".htm"})
_HTML_MARKUP_ALLOWANCE = 20


def parse_file(
    name: str, data: bytes, *, source: str | None = None, max_chars: int = 200_000
) -> list[ArticleDraft]:
    """Read an uploaded .txt, .md, .markdown, .html or .htm file into article drafts.

    `source` defaults to the file's base name. Raises IngestError (a subclass naming the
    reason) for an unsupported type, undecodable bytes, or text that is not an article.
    """
    base_name = PurePosixPath(name.replace("\\", "/")).name
    extension = PurePosixPath(base_name.lower()).suffix
    source = source or base_name
    if extension in TEXT_EXTENSIONS:
        _check_size(base_name, data, max_chars)
        text = decode_text(base_name, data)
        return build_drafts(text, source=source, max_chars=max_chars, known=KnownMetadata())
    if extension in HTML_EXTENSIONS:
        _check_size(base_name, data, max_chars * _HTML_MARKUP_ALLOWANCE)
        return parse_html(base_name, decode_text(base_name, data), source, max_chars)
    supported = ", ".join(sorted(TEXT_EXTENSIONS | HTML_EXTENSIONS))
    raise UnsupportedFileError(
        f"I can't read “{base_name}”: only {supported} files are supported. "
        "Send the article as one of these, or paste its text."
    )


def _check_size(name: str, data: bytes, limit: int) -> None:
    if not data.strip():
        raise EmptyTextError(f"The file “{name}” is empty. Send a file with the article's text.")
    if len(data) > limit:
        raise TextTooLongError(
            f"The file “{name}” is {len(data):,} bytes and the limit is {limit:,}. "
            "Send a shorter file, or split it and send the parts one by one.",
            limit=limit,
            size=len(data),
        )


def parse_html(name: str, markup: str, source: str, max_chars: int) -> list[ArticleDraft]:
    """Extract the main text and metadata of an HTML page (`name` names it in errors)."""
    document = trafilatura.bare_extraction(markup, with_metadata=True)
    text = trafilatura.extract(markup, output_format="markdown", include_formatting=True)
    if document is None or not text:
        raise NotAnArticleError(
            f"I found no article text in “{name}”. Send the article's page saved as HTML, "
            "or paste its text."
        )
    known = KnownMetadata(
        title=document.title or None,
        author=document.author or None,
        published=parse_date(document.date) if document.date else None,
    )
    return build_drafts(text, source=source, max_chars=max_chars, known=known)
