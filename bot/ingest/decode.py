"""Bytes to text: UTF-8 first (with or without a byte-order mark), then charset detection.

charset_normalizer guesses the encoding of non-UTF-8 files (cp1252, latin-1, UTF-16 ...). Bytes
holding NUL characters are refused as binary: no text format we read contains them, and a
guess on them would turn a PDF or an image into pages of mojibake.
"""

from __future__ import annotations

from charset_normalizer import from_bytes

from bot.ingest.errors import UndecodableFileError


def decode_text(name: str, data: bytes) -> str:
    """Decode a file's bytes to text, raising UndecodableFileError with a reason if we cannot."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = None if b"\x00" in data and not _looks_utf16(data) else from_bytes(data).best()
    if best is None:
        raise UndecodableFileError(
            f"I could not read “{name}” as text: it looks like a binary file or an unknown "
            "encoding. Save it as UTF-8 text, Markdown or HTML and send it again."
        )
    return str(best)


def _looks_utf16(data: bytes) -> bool:
    """Whether the bytes open with a UTF-16 byte-order mark (the one text form holding NULs)."""
    return data[:2] in (b"\xff\xfe", b"\xfe\xff")
