"""Bytes to text: a byte-order mark, then the declared charset, then UTF-8, then a guess.

charset_normalizer guesses the encoding of everything else (cp1252, KOI8-R, UTF-16 without a
byte-order mark ...). Each reading must look like text: no NUL characters, and control
characters (other than whitespace) at most `_MAX_CONTROL_SHARE` of the text. That refuses a
PDF or an image, and it refuses UTF-16 read as UTF-8 (valid, but every other character a
NUL), so the next reading is tried instead.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

from charset_normalizer import from_bytes

from bot.core.texts import user_text
from bot.ingest.errors import UndecodableFileError

_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.01


def decode_text(name: str, data: bytes, *, charset: str | None = None) -> str:
    """Decode a file's or page's bytes to text, trying `charset` (as declared by a server)
    before UTF-8; raise UndecodableFileError with a reason if no reading looks like text."""
    for text in _readings(data, charset):
        if _looks_like_text(text):
            return text.removeprefix("\ufeff")
    raise UndecodableFileError(
        user_text(
            "I could not read “{name}” as text: it looks like a binary file or an unknown "
            "encoding. Save it as UTF-8 text, Markdown or HTML and send it again.",
            name=name,
        )
    )


def _readings(data: bytes, charset: str | None) -> Iterator[str]:
    """The candidate texts, most trustworthy first; each is decoded only when asked for."""
    for mark, encoding in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            yield from _decoded(data, encoding)
    if charset:
        yield from _decoded(data, charset)
    yield from _decoded(data, "utf-8")
    best = from_bytes(data).best()
    if best is not None:
        yield str(best)


def _decoded(data: bytes, encoding: str) -> Iterator[str]:
    try:
        yield data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        return


def _looks_like_text(text: str) -> bool:
    if "\x00" in text:
        return False
    return len(_CONTROL.findall(text)) <= len(text) * _MAX_CONTROL_SHARE
