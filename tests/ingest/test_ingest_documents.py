"""Uploaded files: chosen by extension, decoded, HTML extracted offline, then cleaned."""

import socket
from datetime import UTC, datetime

import pytest

from bot.ingest import parse_file, parse_text

BODY = (
    "Les élus ont voté mardi le budget du port, qui augmente les dépenses pour les quais, "
    "les routes et le terminal des ferries l’année prochaine, après un long débat “animé”."
)


def test_html_file_uses_extracted_title_author_and_date(fixture_bytes) -> None:
    (draft,) = parse_file("article.html", fixture_bytes("article.html"))

    assert draft.title == "Harbour Reopens After the Storm"
    assert draft.author == "Jane Roe"
    assert draft.published == datetime(2024, 3, 5, tzinfo=UTC)


def test_html_page_furniture_and_markup_are_not_in_the_text(fixture_bytes) -> None:
    (draft,) = parse_file("article.htm", fixture_bytes("article.html"))

    assert draft.text.startswith("The harbour of the small coastal town reopened on Tuesday")
    assert draft.text.endswith("ask the regional fund for help.")
    assert "take another month," in draft.text
    for junk in ("Home", "About us", "Contact Us", "All rights reserved", "By Jane Roe", "<", "**"):
        assert junk not in draft.text


def test_html_parsing_never_touches_the_network(fixture_bytes, monkeypatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("ingestion opened a network connection")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)

    assert parse_file("article.html", fixture_bytes("article.html"))


def test_markdown_file_is_cleaned_like_pasted_text(fixture_bytes, fixture_text) -> None:
    from_file = parse_file("issue.markdown", fixture_bytes("journal_issue.md"), source="s")

    assert from_file == parse_text(fixture_text("journal_issue.md"), source="s")


def test_source_defaults_to_the_files_base_name(fixture_bytes) -> None:
    drafts = parse_file("/home/me/downloads/journal_issue.md", fixture_bytes("journal_issue.md"))

    assert {draft.source for draft in drafts} == {"journal_issue.md"}


def test_given_source_is_used_for_every_draft(fixture_bytes) -> None:
    drafts = parse_file("journal_issue.md", fixture_bytes("journal_issue.md"), source="Review")

    assert {draft.source for draft in drafts} == {"Review"}


def test_extension_is_matched_case_insensitively(fixture_bytes) -> None:
    assert parse_file("NEWS.TXT", fixture_bytes("dated_oped.txt"))


@pytest.mark.parametrize(
    "data",
    [BODY.encode("utf-8-sig"), BODY.encode("cp1252"), BODY.encode("utf-16")],
    ids=["utf-8 with bom", "cp1252", "utf-16"],
)
def test_text_files_in_common_encodings_are_decoded(data: bytes) -> None:
    (draft,) = parse_file("budget.txt", data)

    assert draft.text == BODY


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_text_file_without_a_byte_order_mark_is_decoded_without_nuls(encoding) -> None:
    (draft,) = parse_file("budget.txt", BODY.encode(encoding))

    assert draft.text == BODY


def test_text_file_limit_counts_characters_not_bytes() -> None:
    text = "Депутаты утвердили бюджет порта после долгих споров о причалах и дорогах. " * 12
    data = text.encode("utf-8")
    assert len(text) < 1_000 < len(data)

    (draft,) = parse_file("budget.txt", data, max_chars=1_000)

    assert draft.text.startswith("Депутаты утвердили бюджет порта")


def test_text_file_holding_an_html_page_is_read_as_html(fixture_bytes) -> None:
    (draft,) = parse_file("saved_page.txt", fixture_bytes("article.html"))

    assert draft.title == "Harbour Reopens After the Storm"
    assert "first ferry of the season" in draft.text
    assert "<" not in draft.text and "All rights reserved" not in draft.text


def test_text_file_holding_html_fragments_is_read_as_html() -> None:
    markup = "".join(f"<p>{BODY}</p>\n" for _ in range(3))

    (draft,) = parse_file("notes.txt", markup.encode())

    assert "<p>" not in draft.text and BODY in draft.text


def test_markdown_with_a_few_tags_is_still_read_as_markdown() -> None:
    text = f"# Budget\n\n{BODY} <b>Vote</b> <i>mardi</i>.\n"

    (draft,) = parse_file("budget.md", text.encode())

    assert "<b>Vote</b>" in draft.text
