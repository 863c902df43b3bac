"""Uploaded files to article drafts: pick the reader by extension, decode, extract, clean.

Text and Markdown files are decoded and cleaned like pasted text; a .txt file that holds an
HTML page is read as HTML. HTML is read by trafilatura from the decoded markup, never fetching
anything: it finds the main content (as Markdown, so an issue's bold titles still split it) and
the page's title, author and date, which fill in what the text itself does not say.

Sizes: the text must fit `max_chars` characters once decoded (and, for HTML, extracted). Before
decoding, a file is refused by its byte count only when no text of `max_chars` characters could
be that long: `_MAX_BYTES_PER_CHAR` bytes per character for text, `_HTML_MARKUP_ALLOWANCE`
times `max_chars` for HTML, since markup outweighs the words. `read_file` reads a local file
no further than that.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

import trafilatura

from bot.core.domain import ArticleDraft
from bot.core.texts import user_text
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
_MAX_BYTES_PER_CHAR = 4  # UTF-8's longest character; UTF-16 and UTF-32 take no more
_HTML_DOCUMENT = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--(?:(?!-->).)*-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
    re.IGNORECASE | re.DOTALL,
)
_CLOSING_TAG = re.compile(
    r"</(?:p|div|span|a|b|i|em|strong|li|ul|ol|h[1-6]|table|tr|td|blockquote|article|section)>",
    re.IGNORECASE,
)
_CLOSING_TAGS_OF_HTML = 3
_HTML_SNIFF_CHARS = 20_000


def parse_file(
    name: str, data: bytes, *, source: str | None = None, max_chars: int = 200_000
) -> list[ArticleDraft]:
    """Read an uploaded .txt, .md, .markdown, .html or .htm file into article drafts.

    `source` defaults to the file's base name. Raises IngestError (a subclass naming the
    reason) for an unsupported type, undecodable bytes, or text that is not an article.
    """
    base_name = _base_name(name)
    extension = PurePosixPath(base_name.lower()).suffix
    source = source or base_name
    _check_size(base_name, data, byte_limit(base_name, max_chars))
    text = decode_text(base_name, data)
    if extension in HTML_EXTENSIONS or (extension == ".txt" and looks_like_html(text)):
        return parse_html(base_name, text, source, max_chars)
    return build_drafts(text, source=source, max_chars=max_chars, known=KnownMetadata())


def byte_limit(name: str, max_chars: int) -> int:
    """The most bytes a file called `name` may hold before it is decoded; UnsupportedFileError
    for a type ingestion does not read."""
    extension = PurePosixPath(_base_name(name).lower()).suffix
    if extension in TEXT_EXTENSIONS:
        return max_chars * _MAX_BYTES_PER_CHAR
    if extension in HTML_EXTENSIONS:
        return max_chars * _HTML_MARKUP_ALLOWANCE
    supported = ", ".join(sorted(TEXT_EXTENSIONS | HTML_EXTENSIONS))
    raise UnsupportedFileError(
        user_text(
            "I can't read “{name}”: only {supported} files are supported. "
            "Send the article as one of these, or paste its text.",
            name=_base_name(name),
            supported=supported,
        )
    )


def read_file(path: Path, max_chars: int) -> bytes:
    """A local file's bytes, reading at most one byte past `byte_limit` (so a device or a huge
    file is never read whole); UnsupportedFileError before reading a type not read."""
    limit = byte_limit(path.name, max_chars)
    with path.open("rb") as file:
        return file.read(limit + 1)


def looks_like_html(text: str) -> bool:
    """Whether text is HTML: it opens like an HTML document, or its start holds a few closing
    tags of common elements (which plain text and Markdown hardly ever do)."""
    if _HTML_DOCUMENT.match(text, 0, _HTML_SNIFF_CHARS):
        return True
    return len(_CLOSING_TAG.findall(text, 0, _HTML_SNIFF_CHARS)) >= _CLOSING_TAGS_OF_HTML


def _base_name(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/")).name


def _check_size(name: str, data: bytes, limit: int) -> None:
    if not data.strip():
        raise EmptyTextError(
            user_text("The file “{name}” is empty. Send a file with the article's text.", name=name)
        )
    if len(data) > limit:
        raise TextTooLongError(
            user_text(
                "The file “{name}” is over {limit:,} bytes, longer than any article I store. "
                "Send a shorter file, or split it and send the parts one by one.",
                name=name,
                limit=limit,
            ),
            limit=limit,
            size=len(data),
        )


def parse_html(name: str, markup: str, source: str, max_chars: int) -> list[ArticleDraft]:
    """Extract the main text and metadata of an HTML page (`name` names it in errors)."""
    document = trafilatura.bare_extraction(markup, with_metadata=True)
    text = trafilatura.extract(markup, output_format="markdown", include_formatting=True)
    if document is None or not text:
        raise NotAnArticleError(
            user_text(
                "I found no article text in “{name}”. Send the article's page saved as HTML, "
                "or paste its text.",
                name=name,
            )
        )
    known = KnownMetadata(
        title=document.title or None,
        author=document.author or None,
        published=parse_date(document.date) if document.date else None,
    )
    return build_drafts(text, source=source, max_chars=max_chars, known=known)
