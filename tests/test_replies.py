"""Reply texts: the /topics overview and the answer to an empty /digest."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.core.domain import StoredArticle
from bot.core.requests import EmptyDigestAdvice
from bot.core.stats import FILES, OTHER_SOURCES, BotStats, SourceCounts
from bot.core.texts import MODEL_NOT_LOADED, SUMMARIZER_FAILED
from bot.render.replies import article_summarized, empty_digest, stats_text, topics_overview


def test_topics_overview_lists_each_subject_with_its_count_escaped():
    text = topics_overview([("russia", 12), ("at&t", 1)], days=7, language="en")

    assert "<b>Subjects of the last 7 days</b>" in text
    assert "• <b>russia</b> — 12 articles" in text
    assert "• <b>at&amp;t</b> — 1 article\n" in text
    assert "/digest russia" in text


def test_topics_overview_of_an_empty_period_says_how_to_add_articles():
    text = topics_overview([], days=3, language="en")

    assert "No articles from the last 3 days" in text and ".txt" in text


def test_an_empty_digest_lists_the_topics_that_have_articles_escaped():
    text = empty_digest("russia", 7, EmptyDigestAdvice(["china", "at&t"]), language="en")

    assert text.startswith(
        "No articles about <b>russia</b> in the last 7 days.\n"
        "Topics with articles in those days: china, at&amp;t.\n"
    )
    assert "north korea" in text  # the topic syntax, in case the topic was mistyped


def test_an_empty_digest_with_older_matches_says_how_many_and_how_to_see_them():
    one = empty_digest(
        "north korea", 7, EmptyDigestAdvice([], older_days=30, older_count=1), language="en"
    )
    two = empty_digest("russia", 30, EmptyDigestAdvice(["china"], 3650, 2), language="en")

    assert one == (
        "No articles about <b>north korea</b> in the last 7 days; "
        "1 from the last 30 days matches: /digest north korea 30d."
    )
    assert two == (
        "No articles about <b>russia</b> in the last 30 days; "
        "2 from the last 3650 days match: /digest russia 3650d.\n"
        "Topics with articles in those days: china."
    )


def test_an_empty_digest_with_nothing_to_offer_explains_the_topic_syntax():
    text = empty_digest("<x>", 7, EmptyDigestAdvice([]), language="en")

    assert text.startswith("No articles about <b>&lt;x&gt;</b> in the last 7 days.\n")
    assert "north korea" in text


def test_stats_names_files_and_other_sources_in_the_chats_language():
    days = tuple(date(2024, 11, day) for day in range(1, 4))
    stats = BotStats(
        days=days,
        sources=(
            SourceCounts("harbour.example", (1, 0, 2)),
            SourceCounts(FILES, (0, 1, 0)),
            SourceCounts(OTHER_SOURCES, (1, 1, 1)),
        ),
        summaries_pending=0,
        chats=1,
        active_chats=1,
        subscriptions=0,
        deliveries_sent=0,
        deliveries_failed=0,
        deliveries_sending=0,
        failing_feeds=(),
    )

    german = stats_text(stats, language="de")
    english = stats_text(stats, language="en")

    assert "Dateien " in german and "andere Quellen " in german and "harbour.example" in german
    assert "files " in english and "other sources " in english and "Dateien" not in english


def test_why_an_article_has_no_summary_is_told_in_the_chats_language():
    article = StoredArticle(
        id=3,
        title="Port strike ends",
        text="Dock workers voted to return.",
        source="a.txt",
        author=None,
        published=None,
        received_at=datetime(2024, 11, 5, 8, 0, tzinfo=UTC),
    )

    def why(error: str | None, language: str) -> str:
        text = article_summarized(
            article, created=True, summary=None, error=error, language=language
        )
        return text.rsplit("\n\n", 1)[1]

    assert why(SUMMARIZER_FAILED, "de") == (
        "<i>Keine Zusammenfassung: der Zusammenfasser ist an diesem Text gescheitert.</i>"
    )
    assert why(MODEL_NOT_LOADED, "de").startswith("<i>Keine Zusammenfassung: das Zusammenfassungs")
    assert why(SUMMARIZER_FAILED, "en") == (
        "<i>No summary: the summarizer failed on this text.</i>"
    )
    assert (
        why("an older <reason>", "de") == "<i>Keine Zusammenfassung: an older &lt;reason&gt;.</i>"
    )
