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
    """The text is longer than the limit; `limit` and `size` are in characters, or in bytes
    for a file refused before it is decoded."""

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


# Fetching pages and feeds (bot.ingest.fetch):
#
# IngestError
# └── FetchError               the page could not be fetched; nothing was stored
#     ├── InvalidURLError      not an http(s) URL with a host
#     ├── BlockedAddressError  the host resolves to a private, loopback, link-local, reserved,
#     │                        multicast or metadata address (checked before connecting)
#     ├── FetchTimeoutError    connecting, reading or the whole download took too long
#     ├── PageTooLargeError    the body is larger than the size cap
#     ├── UnsupportedContentError  the content type is not one we read (e.g. a PDF, an image)
#     ├── HTTPStatusError      the server answered 4xx/5xx; `status` holds the code
#     ├── TooManyRedirectsError
#     └── ConnectionFailedError  DNS failure, refused connection, TLS error


class FetchError(IngestError):
    """A page or feed could not be fetched."""


class InvalidURLError(FetchError):
    """The text is not an http(s) URL with a host."""


class BlockedAddressError(FetchError):
    """The URL's host resolves to an address the fetcher may not reach."""


class FetchTimeoutError(FetchError):
    """Connecting, reading, or the whole download took longer than allowed."""


class PageTooLargeError(FetchError):
    """The body is larger than the size cap."""


class UnsupportedContentError(FetchError):
    """The server sent a content type ingestion does not read."""


class HTTPStatusError(FetchError):
    """The server answered with an error status; `status` is the HTTP code."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


class TooManyRedirectsError(FetchError):
    """The URL redirected more often than allowed."""


class ConnectionFailedError(FetchError):
    """The host could not be resolved or reached."""
