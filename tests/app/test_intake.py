"""Taking articles in: a message that is a link is read from its page, else from its text; the
same story from two sources is stored once with both sources."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app.intake import ingest_text, link_to_fetch, read_message, store_drafts
from bot.ingest import IngestError
from bot.ingest.fetch import FetchLimits
from bot.ingest.nearduplicates import estimated_jaccard, same_story, story_signature
from bot.render.replies import article_stored
from tests.pageserver import MIB, PageServer
from tests.tables import count_articles

FIXTURES = Path(__file__).parents[1] / "fixtures"
WIRE = (FIXTURES / "port_strike_wire.txt").read_text()
REPOST = (FIXTURES / "port_strike_repost.txt").read_text()
FOLLOW_UP = (FIXTURES / "port_strike_ends.txt").read_text()


def store_one(store, text: str, source: str, chat_id: int | None = None):
    [outcome] = ingest_text(store, text, source=source, max_chars=200_000, chat_id=chat_id)
    return outcome


def test_repost_with_a_new_headline_is_stored_once_with_both_sources(store):
    first = store_one(store, WIRE, "Wire Service")
    again = store_one(store, REPOST, "Daily Courier")

    assert first.created and not again.created
    assert again.article.id == first.article.id
    assert again.article.title == "Dock Workers Walk Out at Northport"
    assert again.article.source == "Wire Service"
    assert again.article.also_from == ("Daily Courier",)
    assert count_articles(store) == 1
    assert "Already stored (also from Daily Courier)" in article_stored(
        again.article, created=False, language="en"
    )


def test_a_different_story_on_the_same_subject_is_stored_apart(store):
    store_one(store, WIRE, "Wire Service")
    follow_up = store_one(store, FOLLOW_UP, "Wire Service")

    assert follow_up.created
    assert count_articles(store) == 2


def test_the_same_source_sending_again_adds_no_source(store):
    store_one(store, WIRE, "Wire Service")
    again = store_one(store, WIRE, "Wire Service")

    assert not again.created
    assert again.article.also_from == ()


def test_articles_are_counted_per_sending_chat(store):
    from datetime import UTC, datetime, timedelta

    store_one(store, WIRE, "Telegram: Ann", chat_id=7)
    store_one(store, REPOST, "Telegram: Bob", chat_id=8)
    store_one(store, FOLLOW_UP, "Telegram: Ann", chat_id=7)

    hour_ago = datetime.now(UTC) - timedelta(hours=1)
    assert store.articles.count_added_by(7, hour_ago) == 2
    assert store.articles.count_added_by(8, hour_ago) == 1
    assert store.articles.count_added_by(7, datetime.now(UTC) + timedelta(seconds=1)) == 0


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [(WIRE, REPOST, True), (WIRE, FOLLOW_UP, False), (REPOST, FOLLOW_UP, False)],
)
def test_same_story_is_decided_on_the_text_without_the_headline(first, second, same):
    a = story_signature(first.split("\n", 1)[1])
    b = story_signature(second.split("\n", 1)[1])

    assert same_story(a.signature, b.signature) is same
    assert bool(set(a.band_keys) & set(b.band_keys)) is same


def test_identical_texts_have_identical_signatures_and_short_texts_none():
    assert estimated_jaccard(story_signature(WIRE).signature, story_signature(WIRE).signature) == 1
    assert story_signature("four words only here").band_keys == ()


@pytest.mark.parametrize(
    ("text", "link"),
    [
        ("https://example.org/story", "https://example.org/story"),
        ("Read this: https://example.org/a?b=1).", "https://example.org/a?b=1"),
        ("no link here", None),
        (
            "A long pasted article that mentions https://example.org/ref in passing, with "
            "more than twenty words of its own text around the link so that it is itself "
            "the article to store.",
            None,
        ),
    ],
)
def test_a_message_is_a_link_to_fetch_only_when_little_text_surrounds_it(text, link):
    assert link_to_fetch(text) == link


LIMITS = FetchLimits(
    connect_timeout_s=2,
    read_timeout_s=1,
    total_timeout_s=5,
    max_bytes=MIB,
    allowed_networks=(ipaddress.ip_network("127.0.0.0/8"),),
)
HARBOUR_PAGE = (Path(__file__).parents[1] / "ingest" / "fixtures" / "article.html").read_bytes()


def test_a_message_that_is_a_link_stores_the_article_of_its_page(sqlite_store):
    with PageServer() as server:
        url = server.page("/story", HARBOUR_PAGE)
        drafts = read_message(
            f"Look at this: {url}.", source="Telegram: Ann", limits=LIMITS, max_chars=200_000
        )

    [outcome] = store_drafts(sqlite_store, drafts, chat_id=7)
    assert outcome.created and outcome.article.source == url
    assert sqlite_store.articles.count_added_by(7, datetime(2000, 1, 1, tzinfo=UTC)) == 1


def test_a_long_message_holding_a_link_is_an_article_itself(sqlite_store):
    with PageServer() as server:
        text = f"{WIRE}\n\nMore at {server.page('/story', HARBOUR_PAGE)}"
        drafts = read_message(text, source="Telegram: Ann", limits=LIMITS, max_chars=200_000)
        assert server.requests == []

    [outcome] = store_drafts(sqlite_store, drafts)
    assert outcome.article.source == "Telegram: Ann"
    assert "Northport" in outcome.article.text


def test_a_link_that_cannot_be_read_stores_nothing_and_says_why(sqlite_store):
    with PageServer() as server:
        url = server.page("/gone", b"", status=404)
        with pytest.raises(IngestError):
            read_message(url, source="Telegram: Ann", limits=LIMITS, max_chars=200_000)

    assert count_articles(sqlite_store) == 0
