"""Refusals: each says why the text was not stored and what to do."""

import pytest

from bot.ingest import (
    IngestError,
    NotAnArticleError,
    TextTooLongError,
    UndecodableFileError,
    UnsupportedFileError,
    parse_file,
    parse_text,
)

ARTICLE = (
    "The town council approved the new harbour budget on Tuesday after a long debate, "
    "raising spending on piers, roads and the ferry terminal for the coming year."
)


@pytest.mark.parametrize("text", ["", "   ", "\n\t \n"])
def test_empty_text_is_refused_with_reason(text: str) -> None:
    with pytest.raises(IngestError, match="no text to store"):
        parse_text(text, source="chat")


def test_empty_file_is_refused_with_reason() -> None:
    with pytest.raises(IngestError, match="empty"):
        parse_file("notes.txt", b" \n ")


def test_text_over_the_limit_is_refused_naming_limit_and_size() -> None:
    text = ARTICLE * 10

    with pytest.raises(TextTooLongError) as raised:
        parse_text(text, source="chat", max_chars=1_000)

    assert "1,000" in str(raised.value)
    assert f"{len(text):,}" in str(raised.value)
    assert (raised.value.limit, raised.value.size) == (1_000, len(text))


def test_text_too_short_once_cleaned_is_refused_as_not_an_article() -> None:
    text = "link\nfedilink\narrow-up\n12\nSign up to receive our newsletter.\nNice one, thanks!"

    with pytest.raises(NotAnArticleError, match="too short to be an article"):
        parse_text(text, source="chat")


def test_unsupported_file_type_is_refused_naming_the_supported_types() -> None:
    with pytest.raises(UnsupportedFileError) as raised:
        parse_file("report.pdf", b"%PDF-1.7 ...")

    message = str(raised.value)
    assert "report.pdf" in message
    for extension in (".txt", ".md", ".markdown", ".html", ".htm"):
        assert extension in message


def test_binary_bytes_are_refused_as_undecodable() -> None:
    with pytest.raises(UndecodableFileError, match="UTF-8"):
        parse_file("photo.txt", bytes(range(256)) * 4)


@pytest.mark.parametrize(
    "data",
    [
        ARTICLE.encode().replace(b" ", b"\x00"),  # valid UTF-8, but NULs: not text
        b"\x00\x01\x02PNG" * 500,
    ],
    ids=["nuls in utf-8", "binary"],
)
def test_bytes_holding_nuls_that_are_not_utf16_are_refused(data: bytes) -> None:
    with pytest.raises(UndecodableFileError, match="binary file"):
        parse_file("notes.txt", data)


def test_file_over_the_byte_limit_is_refused_before_decoding() -> None:
    with pytest.raises(TextTooLongError, match="over 4,000 bytes") as raised:
        parse_file("notes.txt", b"x" * 4_001, max_chars=1_000)

    assert (raised.value.limit, raised.value.size) == (4_000, 4_001)


def test_every_refusal_can_be_caught_as_ingest_error() -> None:
    for error in (NotAnArticleError, TextTooLongError, UndecodableFileError, UnsupportedFileError):
        assert issubclass(error, IngestError)
