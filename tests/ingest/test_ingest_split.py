"""A journal issue holding several bylined articles becomes one draft per article."""

from datetime import UTC, datetime

from bot.ingest import parse_text

BODY = (
    "The council said on Sunday that the old bridge would close for repairs next month, "
    "forcing thousands of commuters onto a long detour through the hills."
)


def test_journal_issue_splits_into_articles_with_own_titles_and_authors(fixture_text) -> None:
    drafts = parse_text(fixture_text("journal_issue.md"), source="Harbour Review")

    assert [(draft.title, draft.author) for draft in drafts] == [
        ("Harbour Trade Rises Despite the Storm Season", "Ada Lovelace"),
        ("River Towns Court Northern Investors", "Grace Hopper"),
        ("Lighthouse Keepers Remember the Old Days", "Jean-Luc Dubois"),
    ]
    assert {draft.source for draft in drafts} == {"Harbour Review"}


def test_each_article_holds_only_its_own_text(fixture_text) -> None:
    first, second, third = parse_text(fixture_text("journal_issue.md"), source="test")

    assert "river towns" not in first.text
    assert "Harbour officials" not in second.text
    assert second.text.endswith("must keep pace with any new jobs.")
    assert third.text.endswith("a small museum in the keeper's cottage.")


def test_table_of_contents_and_masthead_are_not_part_of_any_article(fixture_text) -> None:
    drafts = parse_text(fixture_text("journal_issue.md"), source="test")

    for draft in drafts:
        for junk in ("IN THIS ISSUE", "VOLUME 3", "pp.", "By Ada", "by Grace"):
            assert junk not in draft.text
        assert draft.title not in draft.text


def test_issue_date_becomes_each_articles_published_date(fixture_text) -> None:
    drafts = parse_text(fixture_text("journal_issue.md"), source="test")

    assert {draft.published for draft in drafts} == {datetime(2024, 3, 8, tzinfo=UTC)}


def test_single_bylined_article_is_one_draft() -> None:
    text = f"**Bridge Closes for Repairs**\n\n*by Sam Carter*\n\n{BODY}"

    drafts = parse_text(text, source="test")

    assert [(d.title, d.author, d.text) for d in drafts] == [
        ("Bridge Closes for Repairs", "Sam Carter", BODY)
    ]


def test_newsletter_with_unbylined_sections_stays_one_article(fixture_text) -> None:
    drafts = parse_text(fixture_text("newsletter.txt"), source="test")

    assert len(drafts) == 1
