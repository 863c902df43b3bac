"""Fingerprints: the same words give the same hash, however they were pasted."""

import re

from bot.ingest import content_fingerprint, parse_text


def test_same_text_with_other_whitespace_quotes_and_case_has_same_fingerprint() -> None:
    original = "The “Harbour” reopened on Tuesday.\n\nIt’s the first ferry since March."
    pasted = '  the "harbour"   REOPENED on tuesday. it\'s the first ferry since march!  '

    assert content_fingerprint(original) == content_fingerprint(pasted)


def test_different_words_give_different_fingerprints() -> None:
    assert content_fingerprint("The harbour reopened.") != content_fingerprint(
        "The harbour closed."
    )


def test_fingerprint_is_a_sha256_hex_digest() -> None:
    assert re.fullmatch(r"[0-9a-f]{64}", content_fingerprint("The harbour reopened."))


def test_same_article_pasted_twice_with_junk_differences_fingerprints_alike(fixture_text) -> None:
    text = fixture_text("forum_thread.txt")
    (first,) = parse_text(text, source="a")
    (second,) = parse_text(text.replace("\n", "\r\n").replace("’", "'"), source="b")

    assert content_fingerprint(first.text) == content_fingerprint(second.text)
