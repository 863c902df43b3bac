"""Following feeds served from 127.0.0.1: new entries stored once, teasers completed from their
page, conditional GET, broken feeds backed off and reported once."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path

import pytest
from sqlalchemy import text as sql_text

import bot.app.feeds
from bot.app.articles import prune_old_articles
from bot.app.feeds import FAILURES_TO_REPORT, follow_feed, poll_due_feeds, poll_feed
from bot.config import Settings
from bot.ingest.feeds import NotAFeedError, parse_feed
from bot.ingest.fetch import FetchLimits
from bot.store import DatabaseGone
from tests.pageserver import MIB, PageServer
from tests.tables import count_articles

TESTS = Path(__file__).parents[1]
FIXTURES = TESTS / "fixtures"
E2E_FIXTURES = TESTS / "e2e" / "fixtures"
LIMITS = FetchLimits(
    connect_timeout_s=2,
    read_timeout_s=1,
    total_timeout_s=5,
    max_bytes=MIB,
    allowed_networks=(ipaddress.ip_network("127.0.0.0/8"),),
)
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
STRIKE = (FIXTURES / "port_strike_wire.txt").read_text().split("\n", 1)
BORDER = (E2E_FIXTURES / "kazakh_border.txt").read_text().split("\n", 1)
HARBOUR_PAGE = (TESTS / "ingest" / "fixtures" / "article.html").read_bytes()


def item(title: str, body: str, *, guid: str | None = None, link: str | None = None) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in body.strip().split("\n\n"))
    parts = [f"<title>{escape(title)}</title>", f"<description>{escape(paragraphs)}</description>"]
    if guid:
        parts.append(f"<guid>{guid}</guid>")
    if link:
        parts.append(f"<link>{link}</link>")
    return "<item>" + "".join(parts) + "</item>"


def rss(*items: str, title: str = "Harbour Wire") -> str:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://example.org/</link>{''.join(items)}"
        "</channel></rss>"
    )


@pytest.fixture
def server():
    with PageServer() as pages:
        yield pages


@pytest.fixture
def follow(store, server):
    def following(path: str, body: str, **headers: str):
        url = server.page(path, body, content_type="application/rss+xml", headers=headers)
        feed, _ = follow_feed(store, url, added_by=7, interval_s=1800, limits=LIMITS, now=NOW)
        return feed

    return following


def poll(store, feed_id: int, now: datetime = NOW):
    feed = next(f for f in store.feeds.all() if f.id == feed_id)
    return poll_feed(store, feed, limits=LIMITS, max_chars=200_000, max_backoff_s=86_400, now=now)


def test_full_text_entries_are_stored_with_their_link_as_source(store, follow):
    feed = follow(
        "/rss",
        rss(
            item(STRIKE[0], STRIKE[1], guid="a1", link="http://example.org/strike"),
            item(BORDER[0], BORDER[1], guid="a2", link="http://example.org/border"),
        ),
    )

    result = poll(store, feed.id)

    assert feed.title == "Harbour Wire"
    assert [o.article.title for o in result.stored] == [STRIKE[0], BORDER[0]]
    assert result.stored[0].article.source == "http://example.org/strike"
    assert store.feeds.all()[0].next_poll_at == NOW + timedelta(minutes=30)


def test_a_second_poll_with_an_unchanged_etag_is_answered_304(store, server, follow):
    feed = follow("/rss", rss(item(STRIKE[0], STRIKE[1], guid="a1")), ETag='"v1"')
    poll(store, feed.id)

    again = poll(store, feed.id, NOW + timedelta(hours=1))

    assert again.not_modified and again.stored == []
    assert server.requests_to("/rss")[-1].get("If-None-Match") == '"v1"'
    assert count_articles(store) == 1


def test_duplicate_entries_are_stored_once_even_under_a_new_id_or_link(store, server, follow):
    entry = item(STRIKE[0], STRIKE[1], guid="a1", link="http://example.org/strike")
    feed = follow("/rss", rss(entry, entry))
    first = poll(store, feed.id)
    republished = item(STRIKE[0], STRIKE[1], guid="new-guid", link="http://example.org/strike")
    renamed = item(STRIKE[0], STRIKE[1], guid="a1", link="http://example.org/strike?utm=x")
    server.page("/rss", rss(republished, renamed), content_type="application/rss+xml")

    second = poll(store, feed.id, NOW + timedelta(hours=1))

    assert len(first.stored) == 1
    assert second.stored == []
    assert count_articles(store) == 1


def test_entries_without_a_link_are_stored_from_their_text_or_skipped(store, follow):
    feed = follow(
        "/rss",
        rss(item(BORDER[0], BORDER[1], guid="b1"), item("Short note", "Too short.", guid="b2")),
    )

    result = poll(store, feed.id)

    [stored] = result.stored
    assert stored.article.title == BORDER[0]
    assert stored.article.source == "Harbour Wire"
    assert poll(store, feed.id, NOW + timedelta(hours=1)).stored == []


def test_a_teaser_entry_gets_its_page_fetched(store, server, follow):
    page = server.page("/harbour", HARBOUR_PAGE)
    feed = follow("/rss", rss(item("Harbour reopens", "Read more on our site.", link=page)))

    [stored] = poll(store, feed.id).stored

    assert stored.article.title == "Harbour Reopens After the Storm"
    assert stored.article.source == page
    assert "first ferry of the season" in stored.article.text


def test_a_teaser_linking_to_a_private_address_is_not_fetched(store, follow):
    metadata = "http://169.254.169.254/latest/meta-data/"
    feed = follow("/rss", rss(item("Secrets", "Read more.", link=metadata, guid="s1")))

    result = poll(store, feed.id)

    assert result.stored == [] and result.error is None
    assert count_articles(store) == 0


def test_a_teaser_whose_page_times_out_is_retried_next_poll(store, server, follow):
    slow = server.stalled("/slow")
    feed = follow("/rss", rss(item("Slow", "Read more.", link=slow, guid="t1")))
    assert poll(store, feed.id).stored == []
    server.page("/slow", HARBOUR_PAGE)

    [stored] = poll(store, feed.id, NOW + timedelta(hours=1)).stored

    assert stored.article.title == "Harbour Reopens After the Storm"


def test_a_truncated_feed_keeps_its_complete_entries(store, follow):
    complete = item(STRIKE[0], STRIKE[1], guid="a1")
    feed = follow("/rss", rss(complete)[: -len("</channel></rss>")] + "<item><title>Cut off")

    [stored] = poll(store, feed.id).stored

    assert stored.article.title == STRIKE[0]


def test_a_broken_feed_is_backed_off_and_reported_once(store, server, follow):
    feed = follow("/rss", rss(item(STRIKE[0], STRIKE[1], guid="a1")))
    poll(store, feed.id)
    server.page("/rss", "<rss><channel><title>oops", content_type="application/rss+xml")

    delays, results = [], []
    for _ in range(FAILURES_TO_REPORT + 1):
        due = store.feeds.all()[0].next_poll_at
        results.append(poll(store, feed.id, due))
        delays.append(results[-1].feed.next_poll_at - due)
        if results[-1].report:  # what the tick does once the admin has been told
            store.feeds.mark_failure_reported(feed.id)

    assert all(r.error and "not a feed" in r.error for r in results)
    assert [r.report for r in results] == [False, False, True, False]
    assert delays == [timedelta(hours=h) for h in (1, 2, 4, 8)]


def test_a_page_that_is_not_a_feed_cannot_be_followed(store, server):
    url = server.page("/page", HARBOUR_PAGE)

    with pytest.raises(NotAFeedError, match="not a feed"):
        follow_feed(store, url, added_by=7, interval_s=1800, limits=LIMITS, now=NOW)

    assert store.feeds.all() == []


def test_atom_entries_carry_full_content_author_and_date():
    atom = f"""<?xml version="1.0" encoding="utf-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom"><title>Desk</title>
    <entry><id>urn:1</id><title>{STRIKE[0]}</title><link href="http://example.org/s"/>
    <author><name>Ann Lee</name></author><updated>2026-11-20T08:00:00Z</updated>
    <summary>Teaser.</summary>
    <content type="html">{escape("<p>" + STRIKE[1].strip() + "</p>")}</content></entry></feed>"""

    [entry] = parse_feed(atom.encode(), "http://example.org/atom").entries

    assert not entry.is_teaser
    assert (entry.author, entry.published) == ("Ann Lee", datetime(2026, 11, 20, 8, tzinfo=UTC))
    assert "forty container ships" in entry.text and len(entry.keys) == 3


def feeds_settings() -> Settings:
    return Settings(fetch_allowed_networks=["127.0.0.0/8"], fetch_read_timeout_s=1)


def test_a_feed_stored_with_an_absurd_interval_is_polled_and_the_others_too(store, server, follow):
    if store.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's 32-bit integer column cannot hold such an interval")
    huge = follow("/huge.xml", rss(item(*STRIKE, guid="s1")))
    with store.engine.begin() as connection:
        connection.execute(
            sql_text("UPDATE feeds SET interval_s = :s WHERE id = :id"),
            {"s": 9_999_999_999 * 60, "id": huge.id},
        )
    normal = follow("/normal.xml", rss(item(*BORDER, guid="b1")))

    results = poll_due_feeds(store, feeds_settings(), NOW)

    assert {r.feed.id for r in results if r.stored} == {huge.id, normal.id}
    assert max(f.next_poll_at for f in store.feeds.all()) <= NOW + timedelta(weeks=1)


def test_a_feed_failing_unexpectedly_is_backed_off_and_the_others_are_polled(
    store, follow, monkeypatch, caplog
):
    broken = follow("/broken.xml", rss(item(*STRIKE, guid="s1")))
    normal = follow("/normal.xml", rss(item(*BORDER, guid="b1")))
    real_entry_drafts = bot.app.feeds.entry_drafts

    def entry_drafts(entry, feed, **kwargs):
        if feed.id == broken.id:
            raise RuntimeError("a bug in one feed's entry")
        return real_entry_drafts(entry, feed, **kwargs)

    monkeypatch.setattr(bot.app.feeds, "entry_drafts", entry_drafts)

    results = poll_due_feeds(store, feeds_settings(), NOW)

    by_id = {result.feed.id: result for result in results}
    assert by_id[normal.id].stored and by_id[broken.id].error
    assert "a bug in one feed's entry" in caplog.text
    assert [f.id for f in store.feeds.due(NOW + timedelta(minutes=31))] == [normal.id]


def test_no_feed_is_polled_once_the_database_file_is_gone(sqlite_store, server, tmp_path):
    url = server.page(
        "/wire.xml", rss(item(*STRIKE, guid="s1")), content_type="application/rss+xml"
    )
    follow_feed(sqlite_store, url, added_by=7, interval_s=1800, limits=LIMITS, now=NOW)
    (tmp_path / "digestbot.sqlite3").unlink()
    asked = len(server.requests)

    with pytest.raises(DatabaseGone, match="deleted or replaced"):
        poll_due_feeds(sqlite_store, feeds_settings(), NOW)

    assert len(server.requests) == asked


def test_an_entry_still_in_its_feed_is_not_taken_in_again_after_retention(store, follow):
    feed = follow("/rss", rss(item(STRIKE[0], STRIKE[1], guid="a1")))
    [first] = poll(store, feed.id).stored
    poll(store, feed.id, NOW + timedelta(days=40))  # the entry is still there
    pruned = prune_old_articles(store, 30, datetime.now(UTC) + timedelta(days=31))

    again = poll(store, feed.id, NOW + timedelta(days=41))

    assert pruned.articles == 1 and pruned.feed_keys == 0
    assert store.articles.get(first.article.id) is None
    assert again.stored == []
    assert count_articles(store) == 0
