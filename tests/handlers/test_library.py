"""/recent, /search, /article and /delete against the fake Bot API: articles listed with their
numbers, one shown whole (in messages within Telegram's limit, or as a file when very long)
with its sources, and deleted only by who added it or an admin."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app.intake import store_drafts
from bot.core.domain import ArticleDraft
from tests.handlers.live import live_bot
from tests.pageserver import PageServer

ADMIN = 77
ANN = 501
BEN = 502
PARAGRAPH = "The harbour cranes stood idle while the dock workers voted on the offer. " * 8


@pytest.fixture
async def live(fake, sqlite_store, fake_matcher):
    async with live_bot(fake, sqlite_store, fake_matcher, admins=[ADMIN]) as running:
        yield running


def add(store, title: str, text: str, *, user_id: int = ANN, source: str = "a.txt"):
    draft = ArticleDraft(title=title, text=text, source=source)
    [outcome] = store_drafts(store, [draft], chat_id=user_id, user_id=user_id)
    return outcome.article


async def test_recent_and_search_list_articles_with_their_numbers(live, sqlite_store):
    strike = add(sqlite_store, "Port strike ends", "Dock workers voted to return.")
    add(sqlite_store, "Volcano erupts", "Ash covered the island.")

    [recent] = await live.send_and_wait(ANN, "/recent")
    [found] = await live.send_and_wait(ANN, "/search strike port")
    [none] = await live.send_and_wait(ANN, "/search glacier")
    [usage] = await live.send_and_wait(ANN, "/search ?!")

    assert recent.plain_text.splitlines()[0].startswith("The 2 latest articles")
    assert recent.plain_text.splitlines()[1].startswith(f"{strike.id + 1}. Volcano erupts")
    assert found.plain_text.splitlines()[1].startswith(f"{strike.id}. Port strike ends — a.txt")
    assert none.plain_text == "No stored article holds all of glacier."
    assert usage.plain_text.startswith("Send /search with one to 8 words")


async def test_an_article_is_shown_whole_with_its_sources_in_messages_within_the_limit(
    live, fake, sqlite_store
):
    text = "\n\n".join(f"{n}. {PARAGRAPH}" for n in range(10))  # ~6,000 characters
    article = add(sqlite_store, "Long strike report", text)
    add(sqlite_store, "Long strike report", text, source="b.txt", user_id=BEN)

    parts = await live.send_and_wait(ANN, f"/article {article.id}", count=2)

    assert all(len(p.plain_text) <= 4096 for p in parts)
    assert parts[0].plain_text.startswith("Long strike report\n")
    assert "Sources:\n• a.txt," in parts[0].plain_text and "\n• b.txt," in parts[0].plain_text
    shown = "\n\n".join(p.plain_text for p in parts)
    assert all(f"{n}. The harbour cranes" in shown for n in range(10))


async def test_a_very_long_article_comes_as_a_text_file(live, fake, sqlite_store):
    text = "\n\n".join(f"{n}. {PARAGRAPH}" for n in range(60))  # ~36,000 characters
    article = add(sqlite_store, "Strike inquiry", text)

    [sent] = await live.send_and_wait(ANN, f"/article {article.id}")

    assert sent.document.file_name == f"article-{article.id}.txt"
    body = sent.document.data.decode()
    assert body.startswith("Strike inquiry\n") and "Source: a.txt" in body
    assert "59. The harbour cranes" in body


async def test_only_who_added_an_article_or_an_admin_may_delete_it(live, sqlite_store):
    mine = add(sqlite_store, "Ann's story", "Text one.")
    other = add(sqlite_store, "Ben's story", "Text two.", user_id=BEN)

    [refused] = await live.send_and_wait(ANN, f"/delete {other.id}")
    [deleted] = await live.send_and_wait(ANN, f"/delete {mine.id}")
    [by_admin] = await live.send_and_wait(ADMIN, f"/delete {other.id}")
    [gone] = await live.send_and_wait(ANN, f"/article {mine.id}")
    [odd] = await live.send_and_wait(ANN, "/delete ²")

    assert refused.plain_text.startswith(f"Article {other.id} was not added by you alone")
    assert deleted.plain_text == f"Deleted article {mine.id} with its summary."
    assert by_admin.plain_text == f"Deleted article {other.id} with its summary."
    assert gone.plain_text == f"There is no article {mine.id}; see /recent or /search."
    assert odd.plain_text.startswith("Send it with an article's number")
    assert sqlite_store.catalog.count() == 0


@pytest.mark.parametrize("keep_days", [0, 30])
async def test_the_bot_prunes_daily_only_when_keep_days_is_set(
    fake, sqlite_store, fake_matcher, keep_days
):
    async with live_bot(fake, sqlite_store, fake_matcher, keep_days=keep_days) as running:
        jobs = running.application.job_queue.get_jobs_by_name("retention")

    assert [job.job.trigger.interval.total_seconds() for job in jobs] == (
        [86_400.0] if keep_days else []
    )


async def test_who_added_an_article_in_a_group_may_delete_it_there(
    fake, sqlite_store, fake_matcher
):
    group = -1009
    page = (Path(__file__).parents[1] / "ingest" / "fixtures" / "article.html").read_bytes()
    with PageServer() as server:
        url = server.page("/story", page, content_type="text/html")
        async with live_bot(
            fake, sqlite_store, fake_matcher, fetch_allowed_networks=["127.0.0.0/8"]
        ) as live:
            await live.send_and_wait(group, f"/add {url}", chat_type="supergroup", user_id=ANN)
            [stored] = sqlite_store.catalog.latest(1)
            sources = sqlite_store.catalog.sources(stored.id)
            [refused] = await live.send_and_wait(
                group, f"/delete {stored.id}", chat_type="supergroup", user_id=BEN
            )
            [deleted] = await live.send_and_wait(
                group, f"/delete {stored.id}", chat_type="supergroup", user_id=ANN
            )

    assert [(s.chat_id, s.user_id) for s in sources] == [(group, ANN)]
    assert "not added by you alone" in refused.plain_text
    assert deleted.plain_text == f"Deleted article {stored.id} with its summary."
