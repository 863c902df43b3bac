"""Errors of the ingest package; each message is a sentence the user can act on.

IngestError
├── EmptyTextError        the message or file holds no text
├── TextTooLongError      the text is longer than the configured limit
├── NotAnArticleError     too little text is left once the junk is removed
├── UnsupportedFileError  the file type is not one ingestion reads
└── UndecodableFileError  the bytes are not text in any encoding we can recognise
"""

from __future__ import annotations


class IngestError(Exception):
    """Base of every error raised by ingestion; `str(error)` is meant for the user."""


class EmptyTextError(IngestError):
    """The message or file holds no text."""


class TextTooLongError(IngestError):
    """The text is longer than the limit; `limit` and `size` are in characters."""

    def __init__(self, message: str, *, limit: int, size: int) -> None:
        super().__init__(message)
        self.limit = limit
        self.size = size


class NotAnArticleError(IngestError):
    """After cleaning, too few words are left to be an article."""


class UnsupportedFileError(IngestError):
    """The file's extension is not one ingestion reads."""


class UndecodableFileError(IngestError):
    """The file's bytes could not be decoded as text."""
