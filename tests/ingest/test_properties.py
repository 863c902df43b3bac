"""Properties of decoding, cleaning and the fetcher's guards, over inputs Hypothesis makes up:
bytes in any encoding never crash ingestion, never yield a NUL, and the size caps hold."""

from __future__ import annotations

import gzip
import ipaddress
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.ingest import IngestError, parse_file, parse_text
from bot.ingest.content_coding import BoundedDecoder, DecodedTooLargeError
from bot.ingest.decode import decode_text
from bot.ingest.errors import UndecodableFileError
from bot.ingest.fetch import _forbidden

quick = settings(max_examples=60, deadline=None)

# Text a person could write: no control characters (but newlines and tabs), surrogates,
# private-use or unassigned code points, and no byte-order mark of its own.
readable_text = st.text(
    st.characters(
        blacklist_categories=("Cc", "Cs", "Co", "Cn"),
        blacklist_characters="\ufeff",
    )
    | st.sampled_from("\n\t "),
    max_size=300,
)
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1251", "latin-1"]
encoded_text = st.tuples(readable_text, st.sampled_from(ENCODINGS)).map(
    lambda pair: pair[0].encode(pair[1], errors="ignore")
)
any_bytes = st.binary(max_size=2_000) | encoded_text


@quick
@given(any_bytes)
def test_decoding_any_bytes_gives_text_without_nuls_or_a_reason(data):
    try:
        text = decode_text("file.txt", data)
    except UndecodableFileError as refusal:
        assert "file.txt" in str(refusal)
    else:
        assert "\x00" not in text
        assert len(text) <= len(data)


@quick
@given(readable_text, st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_text_in_utf8_or_utf16_with_a_mark_decodes_to_itself(text, encoding):
    assert decode_text("file.txt", text.encode(encoding)) == text


@quick
@given(readable_text, st.sampled_from(["utf-8", "utf-16", "utf-16-le", "utf-16-be"]))
def test_text_decodes_to_itself_with_its_declared_charset(text, charset):
    assert decode_text("page", text.encode(charset), charset=charset) == text


@quick
@given(any_bytes, st.sampled_from(["notes.txt", "issue.md", "page.html"]))
def test_any_file_gives_articles_without_nuls_within_the_limit_or_a_reason(data, name):
    try:
        drafts = parse_file(name, data, max_chars=1_000)
    except IngestError as refusal:
        assert str(refusal)
        return
    for draft in drafts:
        assert len(draft.text) <= 1_000
        fields = (draft.title, draft.text, draft.author or "")
        assert not any("\x00" in field for field in fields)


@quick
@given(st.integers(min_value=4_001, max_value=20_000))
def test_a_text_file_past_four_bytes_a_character_is_refused_unread(size):
    with pytest.raises(IngestError, match="over 4,000 bytes"):
        parse_file("notes.txt", b"a" * size, max_chars=1_000)


@quick
@given(readable_text)
def test_cleaning_any_text_gives_articles_or_a_reason(text):
    try:
        drafts = parse_text(text, source="test", max_chars=1_000)
    except IngestError as refusal:
        assert str(refusal)
        return
    assert all(draft.text.strip() for draft in drafts)


@quick
@given(
    st.binary(max_size=5_000) | st.integers(0, 50_000).map(lambda n: b"\0" * n),
    st.sampled_from(["gzip", "deflate"]),
    st.integers(min_value=1, max_value=4_000),
    st.integers(min_value=1, max_value=512),
)
def test_bounded_decoder_gives_the_body_back_or_stops_at_the_limit(body, coding, limit, chunk):
    raw = gzip.compress(body) if coding == "gzip" else zlib.compress(body)
    decoder = BoundedDecoder(coding, limit)
    decoded = bytearray()
    try:
        for start in range(0, len(raw), chunk):
            decoded += decoder.decode(raw[start : start + chunk])
        decoded += decoder.flush()
    except DecodedTooLargeError:
        assert len(body) > limit
    else:
        assert bytes(decoded) == body


@quick
@given(st.ip_addresses(v=4))
def test_an_ipv6_form_of_an_ipv4_address_is_judged_like_it(v4):
    as_int = int(v4)
    wrapped = [
        ipaddress.IPv6Address(f"::ffff:{v4}"),  # IPv4-mapped
        ipaddress.IPv6Address((0x0064FF9B << 96) | as_int),  # NAT64 well-known prefix
        ipaddress.IPv6Address((0x2002 << 112) | (as_int << 80)),  # 6to4
    ]
    if as_int > 1:  # ::0 and ::1 are the unspecified and loopback addresses themselves
        wrapped.append(ipaddress.IPv6Address(as_int))  # IPv4-compatible

    assert {_forbidden(address, ()) for address in wrapped} == {_forbidden(v4, ())}
