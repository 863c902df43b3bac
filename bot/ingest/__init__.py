"""Ingestion: pasted text and uploaded files in, clean article drafts out.

Knows nothing about Telegram or the database. `parse_text` and `parse_file` return one
`ArticleDraft` per article found, or raise an `IngestError` whose message tells the user why
and what to do; `content_fingerprint` lets the store keep identical content once.
"""

from bot.ingest.articles import parse_text
from bot.ingest.documents import parse_file
from bot.ingest.errors import (
    EmptyTextError,
    IngestError,
    NotAnArticleError,
    TextTooLongError,
    UndecodableFileError,
    UnsupportedFileError,
)
from bot.ingest.fingerprint import content_fingerprint

__all__ = [
    "EmptyTextError",
    "IngestError",
    "NotAnArticleError",
    "TextTooLongError",
    "UndecodableFileError",
    "UnsupportedFileError",
    "content_fingerprint",
    "parse_file",
    "parse_text",
]
