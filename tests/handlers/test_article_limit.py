"""The hourly article limit counts every article of a message or file, not the message."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from tests.handlers.live import live_bot
from tests.tables import count_articles

CHAT = 901
WORDS = (
    "river market council harvest engineer festival minister bridge school museum village coast "
    "storm election budget harbour factory doctor teacher railway airport forest island mayor "
    "league concert garden bakery library stadium ferry glacier orchard tunnel hospital vote "
    "strike court trade energy water drought flood prices wages export import ship road crowd "
    "police farmer miner artist writer judge pilot nurse student pension tax report"
).split()
FIRST_NAMES = "Anna Boris Clara David Elena Farid Greta Hugo Irina Jonas".split()
LAST_NAMES = "Petrova Mendes Okafor".split()


def issue(count: int) -> bytes:
    """A Markdown issue of `count` bylined articles, each with words of its own."""
    articles = []
    for number in range(count):
        pick = random.Random(number).sample
        body = " ".join(f"The {' '.join(pick(WORDS, 9))} said on Monday." for _ in range(6))
        author = f"{FIRST_NAMES[number % 10]} {LAST_NAMES[number // 10 % 3]}"
        articles.append(f"**Story {number} of the issue**\n\n*by {author}*\n\n{body}\n")
    return "\n".join(articles).encode()


async def test_a_file_of_30_articles_stores_only_as_many_as_the_hourly_limit_allows(
    fake, sqlite_store, fake_matcher
):
    async with live_bot(fake, sqlite_store, fake_matcher, max_articles_per_chat_per_hour=5) as live:
        fake.send_document(CHAT, "issue.md", issue(30))
        await live.wait_for(lambda: len(fake.messages(CHAT)) == 6)
        [refused] = await live.send_and_wait(CHAT, "/add https://example.org/story")

    since = datetime.now(UTC) - timedelta(hours=1)
    assert count_articles(sqlite_store) == 5
    assert sqlite_store.articles.count_added_by(CHAT, since) == 5
    replies = [m.plain_text for m in fake.messages(CHAT)]
    assert all(text.startswith("Stored: Story") for text in replies[:5])
    assert replies[5] == (
        "Stored 5 of the 30 articles in it: this chat may add 5 articles an hour. Send the "
        "other 25 again a little later."
    )
    assert "the limit is 5" in refused.plain_text
