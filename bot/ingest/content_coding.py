"""Undoing a response's Content-Encoding without letting decompression outgrow the size cap.

httpx inflates each network chunk whole before the caller sees it, so a few KB of gzip can
become gigabytes before any size check runs (stacked codings, "gzip, gzip", multiply the ratio).
Here the body is read raw and inflated by zlib asked for at most the bytes still allowed
(`max_length`), so memory stays within the cap however the body was packed.

Only what the fetcher asks for (ACCEPT_ENCODING: gzip and deflate) and `identity` are read, and
only one coding per body: no server compresses a page twice except to attack its reader.
"""

from __future__ import annotations

import zlib

from bot.core.texts import user_text

ACCEPT_ENCODING = "gzip, deflate"
_GZIP_WBITS = zlib.MAX_WBITS | 16
_ZLIB_WBITS = zlib.MAX_WBITS
_RAW_DEFLATE_WBITS = -zlib.MAX_WBITS


class UnreadableEncodingError(Exception):
    """The body's Content-Encoding is not one we read, or its data is corrupt."""


class DecodedTooLargeError(Exception):
    """The decoded body grew past the limit."""


class BoundedDecoder:
    """Decode a body sent with `content_encoding`, producing at most `limit` bytes in all.

    `decode` each raw chunk in order, then `flush` once; both raise DecodedTooLargeError as soon
    as the output passes `limit`, and UnreadableEncodingError on data zlib cannot inflate.
    """

    def __init__(self, content_encoding: str, limit: int) -> None:
        codings = [c.strip().lower() for c in content_encoding.split(",")]
        codings = [c for c in codings if c and c != "identity"]
        if len(codings) > 1:
            raise UnreadableEncodingError(
                user_text("compressed more than once ({codings})", codings=content_encoding)
            )
        coding = codings[0] if codings else "identity"
        if coding in ("gzip", "x-gzip"):
            wbits = _GZIP_WBITS
        elif coding == "deflate":
            wbits = _ZLIB_WBITS
        elif coding == "identity":
            wbits = None
        else:
            raise UnreadableEncodingError(
                user_text("compressed with {coding}, which I don't read", coding=coding)
            )
        self._limit = limit
        self._produced = 0
        self._inflater = None if wbits is None else zlib.decompressobj(wbits)
        # Servers disagree on what "deflate" means: zlib-wrapped (the standard) or raw; a first
        # chunk without the zlib header is read as raw deflate.
        self._raw_deflate_fallback = coding == "deflate"

    def decode(self, data: bytes) -> bytes:
        """The decoded bytes of the next raw chunk."""
        if self._inflater is None:
            return self._count(data)
        try:
            output = self._inflate(data)
        except zlib.error as exc:
            if not self._raw_deflate_fallback:
                raise UnreadableEncodingError(user_text("compressed but damaged")) from exc
            self._raw_deflate_fallback = False
            self._inflater = zlib.decompressobj(_RAW_DEFLATE_WBITS)
            return self.decode(data)
        self._raw_deflate_fallback = False
        return output

    def flush(self) -> bytes:
        """What the decompressor still holds once the raw stream has ended."""
        if self._inflater is None:
            return b""
        try:
            return self._count(self._inflater.flush())
        except zlib.error as exc:
            raise UnreadableEncodingError(user_text("compressed but damaged")) from exc

    def _inflate(self, data: bytes) -> bytes:
        assert self._inflater is not None
        parts = []
        while data:
            # Never 0 (zlib reads that as "unlimited"): one byte past the limit proves it passed.
            room = self._limit - self._produced + 1
            parts.append(self._count(self._inflater.decompress(data, room)))
            data = self._inflater.unconsumed_tail
        return b"".join(parts)

    def _count(self, output: bytes) -> bytes:
        self._produced += len(output)
        if self._produced > self._limit:
            raise DecodedTooLargeError
        return output
